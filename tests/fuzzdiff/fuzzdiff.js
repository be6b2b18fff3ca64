// SPDX-License-Identifier: MIT
// Description: the JSLite differential fuzzer (`make fuzz-diff`): random
// programs inside the subset of man jslite(7), each run under node and under
// `tasklet exec`, stdout compared byte for byte. A difference is minimised
// (chunks of lines deleted while the same kind of difference persists),
// printed, and saved as build/fuzz-diff/diff-<seed>-<n>.js.
//
//   node tests/fuzzdiff/fuzzdiff.js [--seconds N] [--seed S] [--bin build/tasklet]
//                                   [--out build/fuzz-diff] [--max-diffs N] [--keep]
//   FUZZ_DIFF_SECONDS, FUZZ_DIFF_SEED, TASKLET_BIN: the same from the environment.
//
// Exit status: 0 when no program differed, 1 when one did, 2 on a set-up error.
//
// The generator is typed: every expression is built for one of num, str,
// bool, arr (arrays of numbers and strings), obj (plain objects) or any, so
// that methods are only called on values that have them and programs do not
// throw by accident; loops are bounded by constants. It stays clear of the
// documented deviations of man jslite(7) (functions printed or stringified,
// Array(n) holes, UTF-16 order of characters past U+E000, keys()/values()
// iterators, case mapping past Latin-1, long multi-line strings inside printed
// objects: string literals have no line breaks).
"use strict";

const fs = require("fs");
const path = require("path");
const { execFile } = require("child_process");

// ---- options -----------------------------------------------------------------

const opt = {
	seconds: Number(process.env.FUZZ_DIFF_SECONDS || 60),
	seed: process.env.FUZZ_DIFF_SEED ? Number(process.env.FUZZ_DIFF_SEED) : Date.now() % 1000000007,
	bin: process.env.TASKLET_BIN || "build/tasklet",
	out: "build/fuzz-diff",
	maxDiffs: 3,
	keep: false,
};
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = process.argv[i + 1];
	if (a === "--seconds") { opt.seconds = Number(v); i++; }
	else if (a === "--seed") { opt.seed = Number(v); i++; }
	else if (a === "--bin") { opt.bin = v; i++; }
	else if (a === "--out") { opt.out = v; i++; }
	else if (a === "--max-diffs") { opt.maxDiffs = Number(v); i++; }
	else if (a === "--keep") { opt.keep = true; }
	else {
		console.error("usage: fuzzdiff.js [--seconds N] [--seed S] [--bin TASKLET] [--out DIR] [--max-diffs N] [--keep]");
		process.exit(2);
	}
}
if (!fs.existsSync(opt.bin)) {
	console.error(`fuzz-diff: ${opt.bin} does not exist; run 'make' first or set TASKLET_BIN`);
	process.exit(2);
}

// ---- a seeded generator (xorshift128+ on two 32-bit halves is enough here) -----

let rs = (opt.seed >>> 0) || 1;
function rnd() {
	// mulberry32
	rs = (rs + 0x6D2B79F5) >>> 0;
	let t = rs;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (n) => Math.floor(rnd() * n);
const pick = (xs) => xs[ri(xs.length)];
const chance = (p) => rnd() < p;

// ---- the program generator ---------------------------------------------------------

const NUM_LITS = ["0", "1", "2", "3", "7", "10", "-1", "-5", "0.5", "1.5", "-2.25", "0.1", "0.2",
	"1e21", "1e-7", "123456789", "2147483647", "-2147483648", "4294967295", "9007199254740991",
	"NaN", "Infinity", "-Infinity", "-0", "255", "3.141592653589793", "1e300", "5e-324", "100",
	"33", "0xff", "1/3", "2**31", "2**53", "65536", "12.5", "-0.5"];
const STR_CHARS = ["a", "b", "c", "x", "Z", " ", ",", "-", "0", "1", "9", "é", "ß", "ÿ", "€",
	"😀", "\\t", "\\\"", "'", "$", "{", "}", "[", ".", "é", "ab", "abc", "  "];

function strLit() {
	let s = "";
	const n = ri(6);
	for (let i = 0; i < n; i++)
		s += pick(STR_CHARS);
	return chance(0.5) ? `"${s}"` : `'${s.replace(/'/g, "\\'").replace(/\\"/g, '"')}'`;
}

class Scope {
	constructor(parent) {
		this.parent = parent;
		this.vars = [];
		this.funcs = []; // {name, params: [types], ret}: block scoped, as in JSLite
	}
	allFuncs(ret) {
		const out = [];
		for (let s = this; s; s = s.parent)
			out.push(...s.funcs.filter((f) => f.ret === ret));
		return out;
	}
	all(type) {
		const out = [];
		for (let s = this; s; s = s.parent)
			for (const v of s.vars)
				if (!type || v.type === type || type === "any")
					out.push(v);
		return out;
	}
}

class Gen {
	constructor() {
		this.n = 0;
		this.scope = new Scope(null);
		this.depth = 0; // statement nesting
		this.inFunc = 0;
	}
	fresh(p) { return `${p}${this.n++}`; }
	varOf(type, mutable) {
		const vs = this.scope.all(type).filter((v) => !mutable || v.mut);
		return vs.length ? pick(vs).name : null;
	}

	// expressions: expr(type, d) returns source text of a value of that type
	expr(type, d) {
		if (d <= 0 || chance(0.25)) {
			const v = chance(0.6) ? this.varOf(type) : null;
			if (v)
				return v;
			return this.leaf(type);
		}
		switch (type) {
		case "num": return this.num(d - 1);
		case "str": return this.str(d - 1);
		case "bool": return this.bool(d - 1);
		case "arr": return this.arr(d - 1);
		case "obj": return this.obj(d - 1);
		default: return this.expr(pick(["num", "str", "bool", "arr", "obj", "num", "str"]), d);
		}
	}
	leaf(type) {
		switch (type) {
		case "num": return pick(NUM_LITS);
		case "str": return strLit();
		case "bool": return pick(["true", "false"]);
		case "arr": return `[${Array.from({ length: ri(4) }, () => this.leaf(pick(["num", "str"]))).join(", ")}]`;
		case "obj": return `{ ${Array.from({ length: ri(3) }, () => `${pick(["a", "b", "c", "k1", "2", "x_y"])}: ${this.leaf(pick(["num", "str", "bool"]))}`).join(", ")} }`;
		default: return this.leaf(pick(["num", "str", "bool", "arr", "obj"]));
		}
	}
	num(d) {
		const e = (t) => this.expr(t || "num", d);
		switch (ri(24)) {
		case 0: case 1: case 2: return `(${e()} ${pick(["+", "-", "*", "/", "%"])} ${e()})`;
		case 3: return `(${e()} ${pick(["&", "|", "^", "<<", ">>", ">>>"])} ${e()})`;
		case 4: return `(${pick(["-", "+", "~"])} ${e()})`; // the space: never "--x"
		case 5: return `Math.${pick(["floor", "ceil", "round", "trunc", "abs", "sign", "sqrt", "cbrt", "log", "exp", "sin", "cos", "tan", "atan", "log2", "log10"])}(${e()})`;
		case 6: return `Math.${pick(["min", "max", "pow", "atan2", "hypot"])}(${e()}, ${e()})`;
		case 7: return `${e("str")}.length`;
		case 8: return `${e("arr")}.length`;
		case 9: return `${e("str")}.${pick(["indexOf", "lastIndexOf"])}(${e("str")})`;
		case 10: return `${e("str")}.charCodeAt(${ri(5)})`;
		case 11: return `${pick(["parseInt", "parseFloat", "Number"])}(${e("str")})`;
		case 12: return `parseInt(${e("str")}, ${pick([2, 8, 10, 16, 36])})`;
		case 13: return `(${e("bool")} ? ${e()} : ${e()})`;
		case 14: return `${e("arr")}.indexOf(${e(pick(["num", "str"]))})`;
		case 15: return `Number(${e("bool")})`;
		case 16: return `(${e()} ** ${pick(["2", "0.5", "-1", "3", "0"])})`;
		case 17: return `${this.numArr(d)}.reduce((p, q) => p + q, 0)`;
		case 18: return `Object.keys(${e("obj")}).length`;
		case 19: {
			const f = this.scope.allFuncs("num");
			if (f.length) {
				const g = pick(f);
				return `${g.name}(${g.params.map((t) => this.expr(t, d)).join(", ")})`;
			}
			return e();
		}
		case 20: return `${e("arr")}.findIndex((v) => v === ${e(pick(["num", "str"]))})`;
		case 21: return `(${e()}, ${e()})`;
		case 22: return `${e("str")}.codePointAt(${ri(3)}) ?? -1`;
		default: return `(${e()} ${pick(["+", "-", "*"])} ${e()})`;
		}
	}
	numArr(d) {
		return pick([`[${Array.from({ length: 1 + ri(4) }, () => this.expr("num", d)).join(", ")}]`,
			`Array.from({ length: ${ri(6)} }, (_, i) => i * ${this.expr("num", d)})`]);
	}
	str(d) {
		const e = (t) => this.expr(t || "str", d);
		switch (ri(26)) {
		case 0: case 1: return `(${e()} + ${e(pick(["str", "num", "bool"]))})`;
		case 2: return `\`${pick(["", "a", "x="])}\${${e(pick(["num", "str", "bool", "arr"]))}}${pick(["", "!", " b"])}\``;
		case 3: return `String(${e("any")})`;
		case 4: return `(${e("num")}).toFixed(${ri(8)})`;
		case 5: return `(${pick(["0", "1", "-7", "255", "123456", "3.75", "-0.5", "1e21", "0.1", "2**40", "NaN"])}).toString(${pick([2, 3, 8, 10, 16, 36])})`;
		case 6: return `${e()}.slice(${ri(4) - 1}${chance(0.5) ? ", " + (ri(6) - 2) : ""})`;
		case 7: return `${e()}.substring(${ri(4)}, ${ri(6)})`;
		case 8: return `${e()}.${pick(["toUpperCase", "toLowerCase", "trim", "trimStart", "trimEnd"])}()`;
		case 9: return `${e()}.${pick(["padStart", "padEnd"])}(${ri(12)}, ${e()})`;
		case 10: return `${e()}.repeat(${ri(4)})`;
		case 11: return `${e()}.split(${e()}).join(${e()})`;
		case 12: return `${e()}.${pick(["replace", "replaceAll"])}((${e()} || "a"), ${e()})`; // no empty pattern: PENDING strings/replace_empty_astral.js
		case 13: return `JSON.stringify(${e("any")})`;
		case 14: return `${e("arr")}.join(${e()})`;
		case 15: return `(typeof (${e("any")}))`; // parenthesised: a caller may append .split(...)
		case 16: return `${e()}.charAt(${ri(5)})`;
		case 17: return `(${e()}.at(${ri(5) - 2}) ?? "none")`;
		case 18: return `(${e("bool")} ? ${e()} : ${e()})`;
		case 19: return `${e()}.concat(${e(pick(["str", "num"]))})`;
		case 20: return `JSON.stringify(${e("any")}, null, ${ri(4)})`;
		case 21: return `${e("arr")}.toString()`;
		case 22: return `String(${e("num")})`;
		case 23: return `[...${e()}].reverse().join("")`;
		case 24: {
			const f = this.scope.allFuncs("str");
			if (f.length) {
				const g = pick(f);
				return `${g.name}(${g.params.map((t) => this.expr(t, d)).join(", ")})`;
			}
			return e();
		}
		default: return `String.fromCharCode(${pick(["65", "97", "233", "8364", "48 + 1"])})`;
		}
	}
	bool(d) {
		const e = (t) => this.expr(t, d);
		switch (ri(12)) {
		case 0: case 1: {
			const t = pick(["num", "str", "any"]);
			return `(${e(t)} ${pick(["<", "<=", ">", ">=", "===", "!==", "==", "!="])} ${e(t)})`;
		}
		case 2: return `!${e("bool")}`;
		case 3: return `(${e("bool")} ${pick(["&&", "||"])} ${e("bool")})`;
		case 4: return `${e("str")}.${pick(["includes", "startsWith", "endsWith"])}(${e("str")})`;
		case 5: return `${e("arr")}.includes(${e(pick(["num", "str"]))})`;
		case 6: return `Array.isArray(${e("any")})`;
		case 7: return `Number.${pick(["isInteger", "isFinite", "isNaN", "isSafeInteger"])}(${e("num")})`;
		case 8: return `(${pick(['"a"', '"b"', '"k1"', '"2"'])} in ${e("obj")})`;
		case 9: return `${e("arr")}.some((v) => v ${pick(["<", ">", "==="])} ${e("num")})`;
		case 10: return `isNaN(${e(pick(["num", "str"]))})`;
		default: return `Boolean(${e("any")})`;
		}
	}
	arr(d) {
		const e = (t) => this.expr(t || "arr", d);
		switch (ri(18)) {
		case 0: case 1: return `[${Array.from({ length: ri(5) }, () => this.expr(pick(["num", "str"]), d)).join(", ")}]`;
		case 2: return `${e()}.slice(${ri(3) - 1}${chance(0.5) ? ", " + (ri(5) - 1) : ""})`;
		case 3: return `${e()}.concat(${e()})`;
		case 4: return `${this.numArr(d)}.map((v, i) => v ${pick(["+", "*", "-"])} i)`;
		case 5: return `${e()}.filter((v) => typeof v === "${pick(["number", "string"])}")`;
		case 6: return `[...${e()}].sort()`;
		// consistent comparators only (no NaN: || 0): with an inconsistent one the order is
		// implementation-defined, and V8's TimSort is not what JSLite runs
		case 7: return `${this.numArr(d)}.map((v) => v || 0).sort((p, q) => ${pick(["p - q", "q - p", "Math.abs(p) - Math.abs(q)", "0"])})`;
		case 8: return `[...${e()}].reverse()`;
		case 9: return `[${e()}, ${e()}].flat()`;
		case 10: return `Array.from({ length: ${ri(5)} }, (_, i) => ${pick(["i", "i * i", "String(i)", "i / 2"])})`;
		case 11: return `${this.expr("str", d)}.split(${pick(['""', '","', '" "', '"a"'])})`;
		case 12: return `[...${e()}, ...${e()}]`;
		case 13: return `Object.keys(${this.expr("obj", d)})`;
		case 14: return `Object.values(${this.expr("obj", d)}).filter((v) => typeof v !== "object")`;
		case 15: return `${e()}.map((v) => typeof v)`;
		case 16: return `Array.of(${this.expr("num", d)}, ${this.expr("str", d)})`;
		default: return `[...new Set(${e()})]`;
		}
	}
	obj(d) {
		const e = (t) => this.expr(t || "obj", d);
		const key = () => pick(["a", "b", "c", "k1", "2", "10", "x_y", "length", "z"]);
		switch (ri(7)) {
		case 0: case 1: return `{ ${Array.from({ length: ri(4) }, () => `${key()}: ${this.expr(pick(["num", "str", "bool", "arr"]), d)}`).join(", ")} }`;
		case 2: return `{ ...${e()}, ${key()}: ${this.expr("num", d)} }`;
		case 3: return `Object.assign({}, ${e()}, ${e()})`;
		case 4: return `Object.fromEntries(Object.entries(${e()}).filter((kv) => typeof kv[1] === "${pick(["number", "string"])}"))`;
		case 5: return `JSON.parse(JSON.stringify(${e()}))`;
		default: return `{ [${this.expr("str", d)}]: ${this.expr("num", d)} }`;
		}
	}

	// statements: lines of source (blocks open with "{" at a line's end)
	stmts(n, out, ind) {
		for (let i = 0; i < n; i++)
			this.stmt(out, ind);
	}
	printable(d) {
		return this.expr(pick(["num", "str", "bool", "arr", "obj", "num", "str"]), d);
	}
	block(out, ind, head, n, fill) {
		out.push(`${ind}${head} {`);
		const saved = this.scope;
		this.scope = new Scope(saved);
		this.depth++;
		if (fill)
			fill();
		this.stmts(n, out, ind + "\t");
		this.depth--;
		this.scope = saved;
		out.push(`${ind}}`);
	}
	stmt(out, ind) {
		const D = 3;
		const k = ri(this.depth >= 3 ? 9 : 20);
		switch (k) {
		case 0: case 1: case 2: {
			const t = pick(["num", "str", "bool", "arr", "obj", "num", "str"]);
			const name = this.fresh("v");
			const mut = chance(0.7);
			out.push(`${ind}${mut ? "let" : "const"} ${name} = ${this.expr(t, D)};`);
			this.scope.vars.push({ name, type: t, mut });
			return;
		}
		case 3: case 4: case 5:
			out.push(`${ind}console.log(${Array.from({ length: 1 + ri(3) }, () => this.printable(D)).join(", ")});`);
			return;
		case 6: {
			const t = pick(["num", "str", "arr", "obj", "bool"]);
			const v = this.varOf(t, true);
			if (!v)
				return this.stmt(out, ind);
			if (t === "num")
				out.push(`${ind}${v} ${pick(["=", "+=", "-=", "*=", "%=", "|=", "**="])} ${this.expr("num", 2)};`);
			else if (t === "str")
				out.push(`${ind}${v} ${pick(["=", "+="])} ${this.expr("str", 2)};`);
			else
				out.push(`${ind}${v} = ${this.expr(t, 2)};`);
			return;
		}
		case 7: {
			const v = this.varOf("arr");
			if (!v)
				return this.stmt(out, ind);
			out.push(`${ind}${pick([`${v}.push(${this.expr("num", 2)})`, `${v}.pop()`, `${v}.shift()`,
				`${v}.unshift(${this.expr("str", 2)})`, `${v}.splice(${ri(3)}, ${ri(3)}, ${this.expr("num", 1)})`,
				`${v}.reverse()`, `${v}.fill(${this.expr("num", 1)}, ${ri(3)})`,
				`${v}.length = Math.min(${v}.length, ${ri(4)})`, // growing it would make holes
				`${v}[Math.min(${v}.length, ${ri(4)})] = ${this.expr("num", 2)}`, `${v}.sort()`])};`);
			return;
		}
		case 8: {
			const v = this.varOf("obj");
			if (!v)
				return this.stmt(out, ind);
			const key = pick(["a", "b", "k1", "2", "z", "q"]);
			out.push(`${ind}${pick([`${v}.${/^\d/.test(key) ? "k" + key : key} = ${this.expr("any", 2)}`,
				`${v}[${JSON.stringify(key)}] = ${this.expr("num", 2)}`, `delete ${v}.${/^\d/.test(key) ? "z" : key}`,
				`${v}[${this.expr("str", 1)}] = ${this.expr("str", 1)}`])};`);
			return;
		}
		case 9: case 10:
			this.block(out, ind, `if (${this.expr("bool", D)})`, 1 + ri(3));
			if (chance(0.4)) {
				out[out.length - 1] += " else {";
				const saved = this.scope;
				this.scope = new Scope(saved);
				this.depth++;
				this.stmts(1 + ri(2), out, ind + "\t");
				this.depth--;
				this.scope = saved;
				out.push(`${ind}}`);
			}
			return;
		case 11: {
			const i = this.fresh("i");
			this.block(out, ind, `for (let ${i} = 0; ${i} < ${1 + ri(5)}; ${i}++)`, 1 + ri(3),
				() => this.scope.vars.push({ name: i, type: "num", mut: false }));
			return;
		}
		case 12: {
			const x = this.fresh("e");
			const src = this.expr(pick(["arr", "str"]), 2);
			this.block(out, ind, `for (const ${x} of ${src})`, 1 + ri(2),
				() => this.scope.vars.push({ name: x, type: "any", mut: false }));
			return;
		}
		case 13: {
			const x = this.fresh("k");
			this.block(out, ind, `for (const ${x} in ${this.expr("obj", 2)})`, 1 + ri(2),
				() => this.scope.vars.push({ name: x, type: "str", mut: false }));
			return;
		}
		case 14: {
			// a function of typed parameters, declared and then called
			const name = this.fresh("f");
			const params = Array.from({ length: ri(3) }, () => pick(["num", "str", "arr"]));
			const ret = pick(["num", "str"]);
			const ps = params.map((_, j) => `p${j}`);
			const saved = this.scope;
			out.push(`${ind}function ${name}(${ps.join(", ")}) {`);
			this.scope = new Scope(saved);
			params.forEach((t, j) => this.scope.vars.push({ name: `p${j}`, type: t, mut: true }));
			this.depth++;
			this.stmts(ri(3), out, ind + "\t");
			out.push(`${ind}\treturn ${this.expr(ret, 2)};`);
			this.depth--;
			this.scope = saved;
			out.push(`${ind}}`);
			this.scope.funcs.push({ name, params, ret });
			out.push(`${ind}console.log(${name}(${params.map((t) => this.expr(t, 2)).join(", ")}));`);
			return;
		}
		case 15: {
			const v = this.fresh("s");
			out.push(`${ind}let ${v} = 0;`);
			this.scope.vars.push({ name: v, type: "num", mut: true });
			this.block(out, ind, `switch (${this.expr("num", 1)})`, 0, () => {
				const cases = Array.from({ length: 1 + ri(3) }, () => pick(["0", "1", "2", "-1", "NaN", "0.5"]));
				for (const c of cases)
					out.push(`${ind}case ${c}: ${v} += ${ri(9)};${chance(0.5) ? " break;" : ""}`);
				if (chance(0.5))
					out.push(`${ind}default: ${v} -= 1;`);
			});
			out.push(`${ind}console.log(${v});`);
			return;
		}
		case 16: {
			out.push(`${ind}try {`);
			this.depth++;
			const saved = this.scope;
			this.scope = new Scope(saved);
			this.stmts(ri(2), out, ind + "\t");
			if (chance(0.6))
				out.push(`${ind}\tthrow ${pick([`new ${pick(["Error", "TypeError", "RangeError"])}(${this.expr("str", 1)})`, this.expr("num", 1), this.expr("str", 1)])};`);
			this.scope = saved;
			out.push(`${ind}} catch (err) {`);
			out.push(`${ind}\tconsole.log(typeof err === "object" ? err.name + ": " + err.message : err);`);
			out.push(`${ind}}${chance(0.3) ? " finally {" : ""}`);
			if (out[out.length - 1].endsWith("{")) {
				out.push(`${ind}\tconsole.log("finally");`);
				out.push(`${ind}}`);
			}
			this.depth--;
			return;
		}
		case 17: {
			// closures capturing a loop variable
			const a = this.fresh("fs");
			out.push(`${ind}const ${a} = [];`);
			out.push(`${ind}for (let j = 0; j < ${1 + ri(4)}; j++) ${a}.push(() => j * ${this.expr("num", 1)});`);
			out.push(`${ind}console.log(${a}.map((g) => g()).join(" "));`);
			return;
		}
		case 18: {
			const m = this.fresh("m");
			out.push(`${ind}const ${m} = new ${pick(["Map", "Set"])}();`);
			const isMap = out[out.length - 1].includes("Map");
			for (let j = 0; j < 1 + ri(4); j++)
				out.push(isMap ? `${ind}${m}.set(${this.expr(pick(["num", "str"]), 1)}, ${this.expr("any", 1)});`
					: `${ind}${m}.add(${this.expr(pick(["num", "str"]), 1)});`);
			if (chance(0.5))
				out.push(`${ind}${m}.delete(${this.expr(pick(["num", "str"]), 1)});`);
			out.push(`${ind}console.log(${m}.size, JSON.stringify([...${m}]), ${m}.has(${this.expr("num", 1)}));`);
			return;
		}
		default: {
			// destructuring
			const a = this.fresh("d"), b = this.fresh("d");
			if (chance(0.5)) {
				out.push(`${ind}const [${a} = ${this.expr("num", 1)}, ...${b}] = ${this.expr("arr", 2)};`);
				this.scope.vars.push({ name: a, type: "any", mut: false }, { name: b, type: "arr", mut: false });
			} else {
				out.push(`${ind}const { a: ${a} = ${this.expr("str", 1)}, ...${b} } = ${this.expr("obj", 2)};`);
				this.scope.vars.push({ name: a, type: "any", mut: false }, { name: b, type: "obj", mut: false });
			}
			out.push(`${ind}console.log(${a}, ${b});`);
		}
		}
	}
	program() {
		const out = [];
		this.stmts(15 + ri(25), out, "");
		return out;
	}
}

// ---- running and comparing ------------------------------------------------------------

fs.mkdirSync(opt.out, { recursive: true });
const tmpDir = fs.mkdtempSync(path.join(opt.out, "tmp-"));
let tmpN = 0;

// Run cmd; a failure to start it (ETXTBSY while `make` relinks the binary, ...) is
// retried, so that it is never taken for a difference.
function run(cmd, args, tries = 5) {
	return new Promise((resolve) => {
		execFile(cmd, args, { timeout: 20000, maxBuffer: 64 << 20, encoding: "buffer" },
			(err, stdout, stderr) => {
				if (err && typeof err.code === "string" && tries > 1) {
					setTimeout(() => run(cmd, args, tries - 1).then(resolve), 500);
					return;
				}
				resolve({
					code: err ? (typeof err.code === "number" ? err.code : -1) : 0,
					out: stdout, err: err && err.killed ? "killed (timeout)" : stderr.toString(),
				});
			});
	});
}

// What kind of difference a program shows, or null when node and tasklet agree
// (or node itself rejects it: not a program of the subset).
async function verdict(lines) {
	const file = path.join(tmpDir, `p${tmpN++ % 4}.js`);
	fs.writeFileSync(file, lines.join("\n") + "\n");
	const [n, t] = await Promise.all([run("node", [file]), run(opt.bin, ["exec", file])]);
	if (n.code !== 0)
		return null;
	// the file name has no colon: "p0.js:3:14: msg" is a compile error, "p0.js:3: msg" a runtime one
	const first = t.err.split("\n")[0];
	const m = /^[^:]+:\d+:\d+: (.*)$/.exec(first);
	if (t.code !== 0 && m)
		return { kind: `compile error: ${m[1]}`, n, t };
	if (t.code !== 0)
		return { kind: `runtime error: ${first.replace(/^[^:]+:\d+: /, "").slice(0, 80)}`, n, t };
	let out = t.out.toString("latin1");
	const cut = out.lastIndexOf("\n=> ");
	out = cut >= 0 ? out.slice(0, cut + 1) : (out.startsWith("=> ") ? "" : out);
	if (Buffer.from(out, "latin1").equals(n.out))
		return null;
	return { kind: "output differs", n, t: { ...t, out: Buffer.from(out, "latin1") } };
}

// The line that closes the block opened at the end of line i (by indentation), or -1.
function blockEnd(lines, i) {
	if (!/\{$/.test(lines[i]))
		return -1;
	const ind = /^\t*/.exec(lines[i])[0];
	for (let j = i + 1; j < lines.length; j++) {
		if (lines[j].startsWith(ind + "\t"))
			continue;
		return lines[j].startsWith(ind + "}") ? j : -1;
	}
	return -1;
}

// Shrink while the same kind of difference persists: delete chunks of lines
// (halves, quarters, ... single lines), whole blocks, and block headers with
// their closing line (keeping the body, one tab less indented); repeat until
// nothing more goes. Returns the smallest program found.
async function minimise(lines, kind, deadline) {
	let cur = lines.slice();
	const same = async (cand) => {
		if (!cand.length || Date.now() >= deadline)
			return false;
		const v = await verdict(cand);
		return !!v && v.kind === kind;
	};
	for (let progress = true; progress && Date.now() < deadline;) {
		progress = false;
		for (let size = Math.max(1, cur.length >> 1); size >= 1; size = size >> 1) {
			for (let i = 0; i < cur.length;) {
				const cand = cur.slice(0, i).concat(cur.slice(i + size));
				if (await same(cand)) {
					cur = cand;
					progress = true;
				} else {
					i += size;
				}
			}
		}
		for (let i = 0; i < cur.length; i++) {
			const j = blockEnd(cur, i);
			if (j < 0)
				continue;
			const whole = cur.slice(0, i).concat(cur.slice(j + 1));
			if (await same(whole)) {
				cur = whole;
				progress = true;
				i--;
				continue;
			}
			if (cur[j] !== /^\t*/.exec(cur[i])[0] + "}")
				continue; // "} else {", "} catch (err) {": not a plain block
			const body = cur.slice(i + 1, j).map((l) => l.replace(/^\t/, ""));
			const unwrapped = cur.slice(0, i).concat(body, cur.slice(j + 1));
			if (await same(unwrapped)) {
				cur = unwrapped;
				progress = true;
				i--;
			}
		}
	}
	return cur;
}

function firstDiff(a, b) {
	const x = a.toString().split("\n"), y = b.toString().split("\n");
	for (let i = 0; i < Math.max(x.length, y.length); i++)
		if (x[i] !== y[i])
			return `line ${i + 1}:\n  node    ${JSON.stringify(x[i])}\n  tasklet ${JSON.stringify(y[i])}`;
	return "";
}

async function main() {
	const end = Date.now() + opt.seconds * 1000;
	const kinds = new Set();
	let programs = 0, diffs = 0;
	console.log(`fuzz-diff: seed ${opt.seed}, ${opt.seconds} s, ${opt.bin} against node`);
	while (Date.now() < end && diffs < opt.maxDiffs) {
		const lines = new Gen().program();
		programs++;
		const v = await verdict(lines);
		if (!v)
			continue;
		if (kinds.has(v.kind) && v.kind !== "output differs")
			continue; // one of each error kind per run is enough
		kinds.add(v.kind);
		diffs++;
		const small = await minimise(lines, v.kind, Date.now() + 120000);
		const w = await verdict(small);
		const file = path.join(opt.out, `diff-${opt.seed}-${diffs}.js`);
		fs.writeFileSync(file, small.join("\n") + "\n");
		fs.writeFileSync(file.replace(/\.js$/, ".orig.js"), lines.join("\n") + "\n");
		console.log(`\nfuzz-diff: DIFFERENCE (${v.kind}), program ${programs}, minimised from ${lines.length} to ${small.length} lines: ${file}`);
		console.log("----");
		console.log(small.join("\n"));
		console.log("----");
		if (w && w.kind === "output differs")
			console.log(firstDiff(w.n.out, w.t.out));
		else if (w)
			console.log(`node printed ${JSON.stringify(w.n.out.toString().slice(0, 200))}; tasklet: ${w.t.err.trim().slice(0, 200)}`);
	}
	if (!opt.keep)
		fs.rmSync(tmpDir, { recursive: true, force: true });
	console.log(`fuzz-diff: ${programs} programs, ${diffs} differing (seed ${opt.seed})`);
	process.exit(diffs ? 1 : 0);
}

main();
