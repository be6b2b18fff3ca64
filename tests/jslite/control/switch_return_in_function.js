function kind(v) {
	switch (typeof v) {
		case "number":
			if (Number.isInteger(v)) return "int";
			return "float";
		case "string":
			return v.length ? "str" : "empty";
		case "object":
			return v === null ? "null" : Array.isArray(v) ? "array" : "object";
		default:
			return typeof v;
	}
}
console.log([1, 1.5, "a", "", null, [], {}, undefined, true].map(kind).join());
