"use strict";
// `this` in methods of object literals, called on their object in every call form.
const stack = {
	items: [],
	push(x) {
		this.items.push(x);
		return this;
	},
	get(i) {
		return this.items[i];
	},
	sum() {
		let s = 0;
		this.items.forEach((x) => {
			s += x * this.scale;
		});
		return s;
	},
	scale: 2,
	total: function () {
		return this.items.reduce((a, b) => a + b, 0);
	},
	["dyn" + "amic"]() {
		return this.items.length;
	},
	withDefault(n = this.scale) {
		return n * 10;
	},
	fact(n) {
		return n <= 1 ? 1 : n * this.fact(n - 1);
	},
	spread(...xs) {
		return xs.length + this.items.length;
	},
	nested: {
		label: "inner",
		who() {
			return this.label;
		},
	},
};
stack.push(1).push(2).push(3);
console.log(stack.get(1), stack.sum(), stack.total(), stack.dynamic(), stack.withDefault(), stack.withDefault(7));
console.log(stack.fact(5), stack.spread(...[9, 9]), stack["spread"](1), stack.nested.who(), stack["nested"]["who"]());
const k = "get";
console.log(stack[k](0), stack[["to", "tal"].join("")](), stack.nested[`w${"ho"}`]());
const loose = stack.get;
try {
	loose(0);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
try {
	[1].map(stack.fact);
} catch (e) {
	console.log(e.name + ": " + e.message);
}
const counter = {
	n: 0,
	inc() {
		this.n++;
		return () => this.n;
	},
	add(x) {
		this.n += x;
		return this.n;
	},
};
const peek = counter.inc();
counter.inc();
console.log(peek(), counter.add(5), counter["add"](1), counter.n);
const m = new Map([[1, { v: 5, get() { return this.v; } }]]);
console.log(m.get(1).get(), [{ v: 3, f() { return this.v; } }][0].f());
