// Top-level destructured bindings that functions use (found by the differential fuzzer:
// JSLite said "'rest' is not defined").
const { a = "", ...rest } = { z: 1, y: [2] };
const [first = 1, ...others] = [5, 6, 7];
let [[deep], { k: renamed }] = [[8], { k: "nine" }];
function show() {
	return [a, JSON.stringify(rest), first, others.join("+"), deep, renamed].join(" ");
}
console.log(show());
const bump = () => {
	deep += 1;
	renamed = renamed.toUpperCase();
};
bump();
console.log(show());
