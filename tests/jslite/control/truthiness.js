for (const v of [0, -0, "", null, undefined, NaN, false, 1, "0", " ", [], {}, -1, Infinity]) {
	console.log(JSON.stringify(v) ?? "undefined", v ? "truthy" : "falsy");
}
