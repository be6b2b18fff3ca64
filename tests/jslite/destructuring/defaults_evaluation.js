let calls = 0;
const dflt = () => {
	calls++;
	return "d";
};
const [a = dflt(), b = dflt()] = ["given"];
console.log(a, b, calls);
const { c = dflt() } = { c: null };
console.log(c, calls);
