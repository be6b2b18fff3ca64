/* SPDX-License-Identifier: MIT */
/* Description: JSLite objects, closures and exceptions: programs' console.log output against
 * node's (recorded, and live when node is installed), the global input and a top-level return,
 * the heap bound with objects, garbage made by closures and strings, amortised string appends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tl_test.h"
#include "vm/jsl_int.h"
#include "vm/vm.h"

/* Expected outputs are what node 20 prints for the same source (`node prog.js`). */
struct obj_case {
	const char *name;
	const char *src;
	const char *output;
};

static const struct obj_case cases[] = {
    {"arrays_basic",
     "const a = [5, 3, 8, 1, 9, 2];\n"
     "console.log(a.slice().sort((x, y) => x - y), a, a.length, a[2], a[10]);\n"
     "console.log([10, 9, 1, 100, 25].sort(), [3, 1, 2].reverse());\n"
     "console.log(a.filter(x => x > 3).map(x => x * x).reduce((s, v) => s + v), a.reduceRight((s, v) => s + v, ''));\n"
     "console.log(a.indexOf(8), a.lastIndexOf(8), a.includes(7), a.find(x => x > 5), a.findIndex(x => x > 5));\n"
     "console.log(a.some(x => x > 8), a.every(x => x > 0), a.join('-'), a.at(-1));\n"
     "const b = [1, 2, 3, 4, 5];\n"
     "console.log(b.splice(1, 2, 'a', 'b', 'c'), b, b.push(6), b.pop(), b.shift(), b.unshift(0), b);\n"
     "b.length = 2; console.log(b, b.length);\n"
     "console.log([1, 2, 3].fill(0, 1), [1, 2].concat([3], 4, [[5]]), [1, [2, [3, [4]]]].flat(Infinity));\n"
     "console.log(Array.isArray([]), Array.from('abc'), Array.from({length: 3}, (_, i) => i * i), Array.of(7, 8));\n"
     "console.log(new Array(3).fill(0), Array(2, 3), [...'héllo'], [...new Set([1, 1, 2])]);",
     "[ 1, 2, 3, 5, 8, 9 ] [ 5, 3, 8, 1, 9, 2 ] 6 8 undefined\n"
     "[ 1, 10, 100, 25, 9 ] [ 2, 1, 3 ]\n"
     "170 291835\n"
     "2 2 false 8 2\n"
     "true true 5-3-8-1-9-2 2\n"
     "[ 2, 3 ] [ 0, 'a', 'b', 'c', 4, 5 ] 7 6 1 6 [ 0, 'a', 'b', 'c', 4, 5 ]\n"
     "[ 0, 'a' ] 2\n"
     "[ 1, 0, 0 ] [ 1, 2, 3, 4, [ 5 ] ] [ 1, 2, 3, 4 ]\n"
     "true [ 'a', 'b', 'c' ] [ 0, 1, 4 ] [ 7, 8 ]\n"
     "[ 0, 0, 0 ] [ 2, 3 ] [ 'h', 'é', 'l', 'l', 'o' ] [ 1, 2 ]\n"
     ""},
    {"callee_names",
     "const o = {a: {b: 1}}, arr = [1], i = 0;\n"
     "try { o.a.b() } catch (e) { console.log(e.message) }\n"
     "try { arr[0]() } catch (e) { console.log(e.message) }\n"
     "try { arr[i]() } catch (e) { console.log(e.message) }\n"
     "try { o.a.zz() } catch (e) { console.log(e.message) }\n"
     "try { o?.a.q() } catch (e) { console.log(e.message) }",
     "o.a.b is not a function\n"
     "arr[0] is not a function\n"
     "arr[i] is not a function\n"
     "o.a.zz is not a function\n"
     "o?.a.q is not a function\n"
     ""},
    {"closures_loops",
     "const adders = [];\n"
     "for (let i = 0; i < 3; i++) { adders.push(x => x + i); }\n"
     "console.log(adders.map(f => f(10)));\n"
     "let fns = [];\n"
     "for (var v = 0; v < 3; v++) fns.push(() => v);\n"
     "console.log(fns.map(f => f()));\n"
     "const byOf = [];\n"
     "for (const w of ['a', 'b']) byOf.push(() => w);\n"
     "console.log(byOf.map(f => f()).join(''));\n"
     "let live = []; for (let i = 0; i < 50000; i++) { const f = (y => () => y)(i); if (i % 10000 == 0) live.push(f); }\n"
     "console.log(live.map(f => f()));",
     "[ 10, 11, 12 ]\n"
     "[ 3, 3, 3 ]\n"
     "ab\n"
     "[ 0, 10000, 20000, 30000, 40000 ]\n"
     ""},
    {"closures_shared",
     "function counter() { let n = 0; return { inc: () => ++n, get: () => n }; }\n"
     "const c = counter(); c.inc(); c.inc();\n"
     "console.log(c.get());\n"
     "function outer() { let a = 1; function inner() { return a++; } inner(); inner(); return a; }\n"
     "console.log(outer());\n"
     "function paramCap(x) { const get = () => x; x = x * 2; return get(); }\n"
     "console.log(paramCap(21));\n"
     "function mk3(a) { return b => c => a + b + c; }\n"
     "console.log(mk3(1)(2)(3));",
     "2\n"
     "3\n"
     "42\n"
     "6\n"
     ""},
    {"code_unit_slicing",
     "const s = \"a😀b😁\";\n"
     "for (let i = 0; i <= s.length; i++) console.log(i, s.slice(0, i), s.slice(i), s.substring(i, i + 1).length, s.padStart(i + 6, \"😀\"), \"ab\".padEnd(5, \"xyz\"));\n"
     "console.log(s.slice(1, 2) + s.slice(2, 3) === \"😀\")",
     "0  a😀b😁 1 a😀b😁 abxyz\n"
     "1 a 😀b😁 1 �a😀b😁 abxyz\n"
     "2 a� �b😁 1 😀a😀b😁 abxyz\n"
     "3 a😀 b😁 1 😀�a😀b😁 abxyz\n"
     "4 a😀b 😁 1 😀😀a😀b😁 abxyz\n"
     "5 a😀b� � 1 😀😀�a😀b😁 abxyz\n"
     "6 a😀b😁  0 😀😀😀a😀b😁 abxyz\n"
     "true\n"
     ""},
    {"control",
     "outer: for (let i = 0; i < 3; i++) { for (let j = 0; j < 3; j++) { if (j == 1) continue outer; if (i == 2) break outer; console.log(i, j) } }\n"
     "label: { console.log('in'); break label; }\n"
     "switch ('x') { case 'y': console.log('y'); default: console.log('def'); case 'z': console.log('z'); }\n"
     "switch (3) { case 1: console.log(1); case 3: console.log(3); case 4: console.log(4); break; default: console.log('d') }\n"
     "let i = 0; do { i++; } while (i < 5); console.log(i);\n"
     "console.log(null ?\? 'a', 0 ?\? 'b', undefined?.x, ({a: {b: 1}}).a?.b, ({}).f?.(), void 0, (1, 2));\n"
     "console.log(typeof null, typeof [], typeof {}, typeof (() => 1), typeof function () {}, typeof new Map());\n"
     "console.log([] instanceof Array, {} instanceof Object, [] instanceof Object, (() => 1) instanceof Function);",
     "0 0\n"
     "1 0\n"
     "in\n"
     "def\n"
     "z\n"
     "3\n"
     "4\n"
     "5\n"
     "a 0 undefined 1 undefined undefined 2\n"
     "object object object function function object\n"
     "true true true true\n"
     ""},
    {"destructuring",
     "const {a, b = 5, ...rest} = {a: 1, c: 3, d: 4};\n"
     "console.log(a, b, rest);\n"
     "const [p, q = 9, ...r] = [1, undefined, 3, 4];\n"
     "console.log(p, q, r);\n"
     "let {x: {y: [r1, r2 = 'dflt']}} = {x: {y: [1]}}; console.log(r1, r2);\n"
     "let s1, s2; [s1, s2] = [1, 2]; [s1, s2] = [s2, s1]; console.log(s1, s2);\n"
     "function g({x, y = 3}, [m, n]) { return x + y + m + n; }\n"
     "console.log(g({x: 1}, [10, 20]));\n"
     "function f(a, b = a * 2, ...more) { return [a, b, more]; }\n"
     "console.log(f(1), f(1, 2, 3, 4), Math.max(...[1, 5, 3]), f(...[7, 8]));\n"
     "for (const [k, v] of Object.entries({u: 1})) console.log(k, v);\n"
     "const [, second] = [1, 2]; console.log(second);",
     "1 5 { c: 3, d: 4 }\n"
     "1 9 [ 3, 4 ]\n"
     "1 dflt\n"
     "2 1\n"
     "34\n"
     "[ 1, 2, [] ] [ 1, 2, [ 3, 4 ] ] 5 [ 7, 8, [] ]\n"
     "u 1\n"
     "2\n"
     ""},
    {"error_messages",
     "try { for (const a of 5) ; } catch (e) { console.log(e.message) }\n"
     "try { [...{}] } catch (e) { console.log(e.message) }\n"
     "try { new Map([1]) } catch (e) { console.log(e.message) }\n"
     "try { const {a} = null } catch (e) { console.log(e.message) }\n"
     "try { const [a] = {} } catch (e) { console.log(e.message) }\n"
     "try { 'x' in 'abc' } catch (e) { console.log(e.message) }\n"
     "try { [].reduce((a,b)=>a) } catch (e) { console.log(e.message) }\n"
     "try { 'abc'.repeat(-1) } catch (e) { console.log(e.message) }\n"
     "try { (1).toFixed(200) } catch (e) { console.log(e.message) }\n"
     "try { undefined.x = 1 } catch (e) { console.log(e.message) }\n"
     "try { JSON.parse('') } catch (e) { console.log(e.message) }\n"
     "try { JSON.parse('[1,]') } catch (e) { console.log(e.message) }",
     "5 is not iterable\n"
     "{} is not iterable\n"
     "Iterator value 1 is not an entry object\n"
     "Cannot destructure property 'a' of 'null' as it is null.\n"
     "{} is not iterable\n"
     "Cannot use 'in' operator to search for 'x' in abc\n"
     "Reduce of empty array with no initial value\n"
     "Invalid count value: -1\n"
     "toFixed() digits argument must be between 0 and 100\n"
     "Cannot set properties of undefined (setting 'x')\n"
     "Unexpected end of JSON input\n"
     "Unexpected token ']', \"[1,]\" is not valid JSON\n"
     ""},
    {"exceptions",
     "try { [1, 2, 3].forEach(x => { if (x == 2) throw new Error('in cb ' + x); }); } catch (e) { console.log(e.message); }\n"
     "try { let q = null; q.foo; } catch (e) { console.log(e instanceof TypeError, e.name, e.message); }\n"
     "function thrower() { throw new RangeError('bad range'); }\n"
     "try { thrower(); } catch (e) { console.log(e.name, e.message, String(e), e instanceof RangeError, e instanceof Error); }\n"
     "function fin() { try { return 'try'; } finally { console.log('finally runs'); } }\n"
     "console.log(fin());\n"
     "function nest() { for (let i = 0; i < 3; i++) { try { if (i == 1) continue; if (i == 2) break; console.log('i', i); } finally { console.log('f', i); } } return 'ok'; }\n"
     "console.log(nest());\n"
     "try { try { throw 1; } finally { console.log('inner fin'); } } catch (e) { console.log('caught', e); }\n"
     "try { throw {code: 42}; } catch ({code}) { console.log(code); }\n"
     "try { JSON.parse('{bad'); } catch (e) { console.log(e.name); }\n"
     "try { [].reduce((a, b) => a); } catch (e) { console.log(e.message); }\n"
     "try { new Array(-1); } catch (e) { console.log(e.name, e.message); }\n"
     "try { null.f(); } catch { console.log('no binding'); }\n"
     "let depth = 0; function rec() { depth++; rec(); } try { rec(); } catch (e) { console.log(e.message); }",
     "in cb 2\n"
     "true TypeError Cannot read properties of null (reading 'foo')\n"
     "RangeError bad range RangeError: bad range true true\n"
     "finally runs\n"
     "try\n"
     "i 0\n"
     "f 0\n"
     "f 1\n"
     "f 2\n"
     "ok\n"
     "inner fin\n"
     "caught 1\n"
     "42\n"
     "SyntaxError\n"
     "Reduce of empty array with no initial value\n"
     "RangeError Invalid array length\n"
     "no binding\n"
     "Maximum call stack size exceeded\n"
     ""},
    {"format_directives",
     "console.log('%s|%j|%o|%O', [1, 2], {a: [1]}, {b: 2}, [3]);\n"
     "console.log('%s', {a: 1}, '%j', -0);\n"
     "console.log('%j', -0, '%d', '0x10', '%i', '0x10');\n"
     "console.log('x %j y', [1, 'a', null, undefined]);",
     "[ 1, 2 ]|{\"a\":[1]}|{ b: 2 }|[ 3 ]\n"
     "{ a: 1 } %j -0\n"
     "0 %d 0x10 %i 0x10\n"
     "x [1,\"a\",null,null] y\n"
     ""},
    {"hoisting",
     "console.log(typeof later, later(2));\n"
     "function later(x) { return x * 3 }\n"
     "var h; console.log(h); h = 5; console.log(h);\n"
     "{ function inBlock() { return 'b' } console.log(inBlock()) }\n"
     "const fact = function f(n) { return n <= 1 ? 1 : n * f(n - 1) }; console.log(fact(10), fact.name);\n"
     "const arrow = () => 1; console.log(arrow.name, (() => 2).name === '');",
     "function 6\n"
     "undefined\n"
     "5\n"
     "b\n"
     "3628800 f\n"
     "arrow true\n"
     ""},
    {"idioms",
     "function makeStack() { const items = []; return { push(x) { items.push(x) }, pop: () => items.pop(), size: () => items.length }; }\n"
     "const st = makeStack(); st.push(1); st.push(2); console.log(st.pop(), st.size());\n"
     "const memo = new Map(); const fib = n => n < 2 ? n : memo.get(n) ?\? (memo.set(n, fib(n - 1) + fib(n - 2)), memo.get(n));\n"
     "console.log(fib(90));\n"
     "const a = [5, 2, 9, 1]; for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length - 1 - i; j++) if (a[j] > a[j + 1]) [a[j], a[j + 1]] = [a[j + 1], a[j]];\n"
     "console.log(a);\n"
     "const totals = [{k: 'x', v: 1}, {k: 'y', v: 2}, {k: 'x', v: 3}].reduce((acc, {k, v}) => ({...acc, [k]: (acc[k] || 0) + v}), {});\n"
     "console.log(totals);\n"
     "const words = 'the quick brown fox jumps over the lazy dog'.split(' ');\n"
     "console.log(words.filter((w, i, arr) => arr.indexOf(w) === i).map(w => w[0].toUpperCase() + w.slice(1)).join(' '));\n"
     "const grouped = {}; for (const w of words) { const l = w.length; (grouped[l] = grouped[l] || []).push(w); } console.log(grouped);\n"
     "let s = ''; for (let i = 0; i < 5; i++) s += `${i}${i < 4 ? ',' : ''}`; console.log(s, s.split(',').map(Number).reduce((x, y) => x + y));\n"
     "const matrix = [[1, 2, 3], [4, 5, 6]]; const tr = matrix[0].map((_, c) => matrix.map(r => r[c])); console.log(tr);\n"
     "console.log([1, 2, 3, 4].findLast(x => x % 2), Object.fromEntries(Object.entries({a: 1, b: 2}).map(([k, v]) => [k, v * 10])));\n"
     "const counter = {}; 'hello world'.split('').forEach(c => counter[c] = (counter[c] ?\? 0) + 1); console.log(counter);\n"
     "console.log(Number('12px'), Number(''), Number('0b101'), (255).toString(16), (0.1).toFixed(20), (1234.5678).toFixed(2), Math.round(-0.5), Math.max(NaN, 1));\n"
     "console.log([...\"hello\"].reverse().join(''), 'abc'.localeCompare('abd'), ['b', 'a', 'c'].sort((x, y) => x.localeCompare(y)));",
     "2 1\n"
     "2880067194370816000\n"
     "[ 1, 2, 5, 9 ]\n"
     "{ x: 4, y: 2 }\n"
     "The Quick Brown Fox Jumps Over Lazy Dog\n"
     "{\n"
     "  '3': [ 'the', 'fox', 'the', 'dog' ],\n"
     "  '4': [ 'over', 'lazy' ],\n"
     "  '5': [ 'quick', 'brown', 'jumps' ]\n"
     "}\n"
     "0,1,2,3,4 10\n"
     "[ [ 1, 4 ], [ 2, 5 ], [ 3, 6 ] ]\n"
     "3 { a: 10, b: 20 }\n"
     "{ h: 1, e: 1, l: 3, o: 2, ' ': 1, w: 1, r: 1, d: 1 }\n"
     "NaN 0 5 ff 0.10000000000000000555 1234.57 -0 NaN\n"
     "olleh -1 [ 'a', 'b', 'c' ]\n"
     ""},
    {"inspect",
     "const deep = {a: {b: {c: {d: {e: 1}}}}, arr: [[1, [2, [3, [4]]]]]};\n"
     "console.log(deep);\n"
     "console.log([1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27]);\n"
     "console.log(['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape', 'honeydew']);\n"
     "console.log({longPropertyNameOne: 'some value', longPropertyNameTwo: 'another value', third: 3});\n"
     "console.log([{a: 1, b: 2}, {a: 3, b: 4}], [[1, 2], [3, 4]], [undefined, null, true, 'x', -0]);\n"
     "console.log({'a-b': 1, \"it's\": 2, f: function named() {}, g: () => 1}, [], {}, [[]], new Map(), new Set());\n"
     "const u8 = new Uint8Array(4); u8[0] = 257; u8[1] = -1; console.log(u8, u8.length);\n"
     "const f64 = new Float64Array([1.5, 2.5]); console.log(f64, f64[1]);\n"
     "const i32 = new Int32Array(3); i32[2] = 2 ** 31; console.log(i32);\n"
     "console.log(String([1, [2, 3]]), String({}), `${[1, 2]}`, [] + [], [1] + 1, Array.from(new Array(120).keys()));",
     "{ a: { b: { c: [Object] } }, arr: [ [ 1, [Array] ] ] }\n"
     "[\n"
     "   1,  2,  3,  4,  5,  6,  7,  8,\n"
     "   9, 10, 11, 12, 13, 14, 15, 16,\n"
     "  17, 18, 19, 20, 21, 22, 23, 24,\n"
     "  25, 26, 27\n"
     "]\n"
     "[\n"
     "  'apple',\n"
     "  'banana',\n"
     "  'cherry',\n"
     "  'date',\n"
     "  'elderberry',\n"
     "  'fig',\n"
     "  'grape',\n"
     "  'honeydew'\n"
     "]\n"
     "{\n"
     "  longPropertyNameOne: 'some value',\n"
     "  longPropertyNameTwo: 'another value',\n"
     "  third: 3\n"
     "}\n"
     "[ { a: 1, b: 2 }, { a: 3, b: 4 } ] [ [ 1, 2 ], [ 3, 4 ] ] [ undefined, null, true, 'x', -0 ]\n"
     "{ 'a-b': 1, \"it's\": 2, f: [Function: named], g: [Function: g] } [] {} [ [] ] Map(0) {} Set(0) {}\n"
     "Uint8Array(4) [ 1, 255, 0, 0 ] 4\n"
     "Float64Array(2) [ 1.5, 2.5 ] 2.5\n"
     "Int32Array(3) [ 0, 0, -2147483648 ]\n"
     "1,2,3 [object Object] 1,2  11 [\n"
     "   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,\n"
     "  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,\n"
     "  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n"
     "  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,\n"
     "  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,\n"
     "  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n"
     "  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,\n"
     "  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,\n"
     "  96, 97, 98, 99,\n"
     "  ... 20 more items\n"
     "]\n"
     ""},
    {"json",
     "console.log(JSON.stringify({s: 'a\"b\\n', n: [1.5, -0, NaN, null, true], u: undefined, f() {}}));\n"
     "console.log(JSON.stringify([{a: []}, {}], null, '  '), JSON.stringify({a: 1, b: [1, 2]}, null, 4));\n"
     "console.log(JSON.stringify('x'), JSON.stringify(undefined), JSON.stringify(null), JSON.stringify({1: 1, a: new Map()}));\n"
     "const parsed = JSON.parse('[1, \"two\", {\"three\": [3.5e2]}, true, null, \"\\\\u00e9\"]');\n"
     "console.log(parsed, parsed[2].three[0]);",
     "{\"s\":\"a\\\"b\\n\",\"n\":[1.5,0,null,null,true]}\n"
     "[\n"
     "  {\n"
     "    \"a\": []\n"
     "  },\n"
     "  {}\n"
     "] {\n"
     "    \"a\": 1,\n"
     "    \"b\": [\n"
     "        1,\n"
     "        2\n"
     "    ]\n"
     "}\n"
     "\"x\" undefined null {\"1\":1,\"a\":{}}\n"
     "[ 1, 'two', { three: [ 350 ] }, true, null, 'é' ] 350\n"
     ""},
    {"logical_assignment",
     "let a = null, b = 0, c = 1; a ?\?= 5; b ||= 7; c &&= 9; console.log(a, b, c);\n"
     "const o = {x: 0}; o.x ||= 3; o.y ?\?= []; o.y.push(1); o['z'] &&= 2; console.log(o);\n"
     "let calls = 0; const f = () => (calls++, 4); let d = 1; d ?\?= f(); d ||= f(); console.log(d, calls);",
     "5 7 9\n"
     "{ x: 3, y: [ 1 ] }\n"
     "1 0\n"
     ""},
    {"maps_sets",
     "const m = new Map([[1, 'a']]); m.set('k', 2).set('x', 3); m.delete('x');\n"
     "console.log(m, m.get(1), m.size, m.has('k'), [...m.keys()], [...m.values()], [...m.entries()]);\n"
     "const s = new Set([1, 2, 2]); s.add(NaN).add(NaN).add(0).add(-0);\n"
     "console.log(s, s.size, s.has(2));\n"
     "const mk = new Map(); const k1 = {}, k2 = [];\n"
     "mk.set(k1, 'obj').set(k2, 'arr').set(NaN, 'nan');\n"
     "console.log(mk.get(k1), mk.get(k2), mk.get(NaN), mk.get({}));\n"
     "let sum = 0; for (const [k, v] of new Map([['a', 1], ['b', 2]])) sum += v;\n"
     "m.forEach((v, k) => console.log(k, v));\n"
     "console.log(sum, m instanceof Map, s instanceof Set, new Set('abca'));",
     "Map(2) { 1 => 'a', 'k' => 2 } a 2 true [ 1, 'k' ] [ 'a', 2 ] [ [ 1, 'a' ], [ 'k', 2 ] ]\n"
     "Set(4) { 1, 2, NaN, 0 } 4 true\n"
     "obj arr nan undefined\n"
     "1 a\n"
     "k 2\n"
     "3 true true Set(3) { 'a', 'b', 'c' }\n"
     ""},
    {"mixed_1",
     "let k = 0; const ws = [];\n"
     "while (k < 3) { let j = k; ws.push(() => j); k++; }\n"
     "console.log(ws.map(f => f()));\n"
     "switch (2) { case 1: { let z = 1; console.log(z); break; } case 2: { let z = 2; console.log(z); } }\n"
     "function over() { try { return 1; } finally { console.log('cleanup'); } }\n"
     "console.log(over());\n"
     "function rethrow() { try { throw new TypeError('t'); } catch (e) { throw new RangeError('wrapped ' + e.message); } }\n"
     "try { rethrow(); } catch (e) { console.log(String(e)); }\n"
     "outer: for (const a of [1, 2, 3]) { for (const b of [1, 2]) { if (a == 2) continue outer; console.log(a, b); } }\n"
     "for (const i in ['x', 'y']) console.log(typeof i, i);\n"
     "const objk = {'01': 'a', 1: 'b', '-1': 'c', 1.5: 'd'}; console.log(objk, Object.keys(objk));\n"
     "console.log(JSON.stringify({a: [], b: {}, c: [[]]}, null, 2));\n"
     "try { const arr = [1]; arr.foo(); } catch (e) { console.log(e.message); }\n"
     "try { const arr = [undefined]; arr[0].x; } catch (e) { console.log(e.message); }\n"
     "try { null[0]; } catch (e) { console.log(e.message); }\n"
     "try { (function inner() { undefined.y; })(); } catch (e) { console.log(e.message); }",
     "[ 0, 1, 2 ]\n"
     "2\n"
     "cleanup\n"
     "1\n"
     "RangeError: wrapped t\n"
     "1 1\n"
     "1 2\n"
     "3 1\n"
     "3 2\n"
     "string 0\n"
     "string 1\n"
     "{ '1': 'b', '01': 'a', '-1': 'c', '1.5': 'd' } [ '1', '01', '-1', '1.5' ]\n"
     "{\n"
     "  \"a\": [],\n"
     "  \"b\": {},\n"
     "  \"c\": [\n"
     "    []\n"
     "  ]\n"
     "}\n"
     "arr.foo is not a function\n"
     "Cannot read properties of undefined (reading 'x')\n"
     "Cannot read properties of null (reading '0')\n"
     "Cannot read properties of undefined (reading 'y')\n"
     ""},
    {"mixed_2",
     "const counter = (() => { let c = 0; return { next: () => c++, reset() { c = 0; } }; })();\n"
     "counter.next(); counter.next(); console.log(counter.next()); counter.reset(); console.log(counter.next());\n"
     "const grid = Array.from({length: 3}, (_, r) => Array.from({length: 3}, (_, c) => r * 3 + c));\n"
     "console.log(grid, grid.map(row => row.reduce((a, b) => a + b, 0)));\n"
     "const hist = {}; for (const w of 'the cat the hat the end'.split(' ')) hist[w] = (hist[w] || 0) + 1;\n"
     "console.log(hist, Object.entries(hist).sort((a, b) => b[1] - a[1])[0]);\n"
     "const people = [{name: 'Ann', tags: ['a', 'b']}, {name: 'Bob', tags: []}];\n"
     "console.log(people, JSON.stringify(people));\n"
     "console.log([1, 2, 3].includes(NaN), [NaN].includes(NaN), [NaN].indexOf(NaN), [-0].includes(0));\n"
     "let str = ''; for (const [i, v] of ['a', 'b'].entries()) str += i + v; console.log(str);\n"
     "console.log([...\"ab\"].map((c, i) => c.charCodeAt(0) + i), Math.max(), Math.min(...[4, 2, 8]));\n"
     "const nested = {a: 1, b: {c: [1, 2, {d: 4}]}}; const copy = JSON.parse(JSON.stringify(nested)); copy.b.c[2].d = 5;\n"
     "console.log(nested.b.c[2].d, copy.b.c[2].d);\n"
     "console.log([3, 20, 100].sort(), ['b', 'a'].sort().concat(['c']), [1, 2, 3, 4].slice(-2), 'abc'.split('').reverse().join(''));\n"
     "const fnArr = [function () { return 1; }, () => 2]; console.log(fnArr.map(f => f()), fnArr);\n"
     "let acc = 0; [1, 2, 3].forEach(function (v) { acc += v; }); console.log(acc);",
     "2\n"
     "0\n"
     "[ [ 0, 1, 2 ], [ 3, 4, 5 ], [ 6, 7, 8 ] ] [ 3, 12, 21 ]\n"
     "{ the: 3, cat: 1, hat: 1, end: 1 } [ 'the', 3 ]\n"
     "[ { name: 'Ann', tags: [ 'a', 'b' ] }, { name: 'Bob', tags: [] } ] [{\"name\":\"Ann\",\"tags\":[\"a\",\"b\"]},{\"name\":\"Bob\",\"tags\":[]}]\n"
     "false true -1 true\n"
     "0a1b\n"
     "[ 97, 99 ] -Infinity 2\n"
     "4 5\n"
     "[ 100, 20, 3 ] [ 'a', 'b', 'c' ] [ 3, 4 ] cba\n"
     "[ 1, 2 ] [ [Function (anonymous)], [Function (anonymous)] ]\n"
     "6\n"
     ""},
    {"natives_as_values",
     "function outer() { function inner(n) { return n ? inner(n - 1) + 1 : 0 } return inner(5) }\n"
     "console.log(outer());\n"
     "const obj = {map: x => x * 2, length: 3, items: [1, 2]};\n"
     "console.log(obj.map(4), obj.length, obj.items?.[1], obj?.nope?.deep.deeper);\n"
     "const errs = [];\n"
     "for (let i = 0; i < 2; i++) { try { throw new Error('e' + i) } catch (e) { errs.push(() => e.message) } }\n"
     "console.log(errs.map(f => f()));\n"
     "console.log(typeof Map, typeof Math, typeof console, typeof JSON, typeof parseInt);\n"
     "console.log(new Error().message === '', String(new Error()), String(new TypeError('x')));\n"
     "const e = new RangeError('r'); console.log(Object.keys(e), JSON.stringify(e), [1.5, 2.5].map(Math.floor), ['a'].map(console.log).length);\n"
     "let arr = [1, 2, 3]; arr.length = 0; console.log(arr, [] === [], [1] == '1');\n"
     "let t = 'n:'; t += 1; t += null; console.log(t);\n"
     "console.log([1, 2, 3].map(String), ['1', '2', '3'].map(Number), [0, 1, ''].filter(Boolean));",
     "5\n"
     "8 3 2 undefined\n"
     "[ 'e0', 'e1' ]\n"
     "function object object object function\n"
     "true Error TypeError: x\n"
     "a 0 [ 'a' ]\n"
     "[] {} [ 1, 2 ] 1\n"
     "[] false true\n"
     "n:1null\n"
     "[ '1', '2', '3' ] [ 1, 2, 3 ] [ 1 ]\n"
     ""},
    {"number_printing",
     "const xs = [2 ** -24, 2 ** -1074, 2 ** 1023, 2 ** -1022, 1 / 3, 0.1 + 0.2, 123.456, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 2 ** 60, 2 ** -30, 2 ** -40, 9007199254740993, 0.000001, 4.35, 2 ** 70];\n"
     "console.log(xs.map(String).join(' '));\n"
     "for (let e = -60; e < 80; e += 7) console.log(2 ** e, -(2 ** e), 3 * 2 ** e);",
     "5.960464477539063e-8 5e-324 8.98846567431158e+307 2.2250738585072014e-308 0.3333333333333333 0.30000000000000004 123.456 1e+21 1e-7 5e-324 1.7976931348623157e+308 1152921504606847000 9.313225746154785e-10 9.094947017729282e-13 9007199254740992 0.000001 4.35 1.1805916207174113e+21\n"
     "8.673617379884035e-19 -8.673617379884035e-19 2.6020852139652106e-18\n"
     "1.1102230246251565e-16 -1.1102230246251565e-16 3.3306690738754696e-16\n"
     "1.4210854715202004e-14 -1.4210854715202004e-14 4.263256414560601e-14\n"
     "1.8189894035458565e-12 -1.8189894035458565e-12 5.4569682106375694e-12\n"
     "2.3283064365386963e-10 -2.3283064365386963e-10 6.984919309616089e-10\n"
     "2.9802322387695312e-8 -2.9802322387695312e-8 8.940696716308594e-8\n"
     "0.000003814697265625 -0.000003814697265625 0.000011444091796875\n"
     "0.00048828125 -0.00048828125 0.00146484375\n"
     "0.0625 -0.0625 0.1875\n"
     "8 -8 24\n"
     "1024 -1024 3072\n"
     "131072 -131072 393216\n"
     "16777216 -16777216 50331648\n"
     "2147483648 -2147483648 6442450944\n"
     "274877906944 -274877906944 824633720832\n"
     "35184372088832 -35184372088832 105553116266496\n"
     "4503599627370496 -4503599627370496 13510798882111488\n"
     "576460752303423500 -576460752303423500 1729382256910270500\n"
     "73786976294838210000 -73786976294838210000 221360928884514620000\n"
     "9.44473296573929e+21 -9.44473296573929e+21 2.833419889721787e+22\n"
     ""},
    {"objects",
     "const o = {b: 2, a: 1, 10: 'x', 2: 'y'};\n"
     "console.log(Object.keys(o), Object.values(o), Object.entries(o));\n"
     "const o2 = Object.assign({}, o, {c: 3});\n"
     "delete o2.b;\n"
     "console.log(o2, 'b' in o2, 'c' in o2, o2.zz, o2['c']);\n"
     "let cnt = 0; const obj = {inc() { cnt++; return cnt; }, ['comp' + 'uted']: 5, cnt};\n"
     "obj.inc(); console.log(obj.inc(), obj.computed, obj);\n"
     "const frozen = Object.freeze({a: 1}); frozen.a = 2; console.log(frozen.a, Object.isFrozen(frozen));\n"
     "const sp = {...o, z: 26}; console.log(sp, Object.fromEntries([['k', 1]]));\n"
     "for (const k in {x: 1, y: 2}) console.log(k);",
     "[ '2', '10', 'b', 'a' ] [ 'y', 'x', 2, 1 ] [ [ '2', 'y' ], [ '10', 'x' ], [ 'b', 2 ], [ 'a', 1 ] ]\n"
     "{ '2': 'y', '10': 'x', a: 1, c: 3 } false true undefined 3\n"
     "2 5 { inc: [Function: inc], computed: 5, cnt: 0 }\n"
     "1 true\n"
     "{ '2': 'y', '10': 'x', b: 2, a: 1, z: 26 } { k: 1 }\n"
     "x\n"
     "y\n"
     ""},
    {"own_and_tostring",
     "const o = {a: 1, 2: 'x'}; const e = new TypeError('bad');\n"
     "console.log(o.hasOwnProperty('a'), o.hasOwnProperty('b'), o.hasOwnProperty(2), [5].hasOwnProperty(0), [5].hasOwnProperty('length'));\n"
     "console.log(o.toString(), e.toString(), [1, [2]].toString(), (5).toString(2), 'x'.toString());\n"
     "const c = {toString() { return 'custom' }}; console.log(c.toString(), `${[1]}`);",
     "true false true true true\n"
     "[object Object] TypeError: bad 1,2 101 x\n"
     "custom 1\n"
     ""},
    {"sort_stable",
     "const people = [{n: 'a', age: 30}, {n: 'b', age: 25}, {n: 'c', age: 30}, {n: 'd', age: 25}];\n"
     "console.log(people.sort((p, q) => p.age - q.age).map(p => p.n).join(''));\n"
     "console.log([3, 1, 2].sort((a, b) => b > a), [3, 1, 2].sort(() => 0), [2, undefined, 1].sort());\n"
     "console.log(['b', 'a', 'C', 'B'].sort(), [1, 2, 3].sort((a, b) => b - a));",
     "bdac\n"
     "[ 3, 1, 2 ] [ 3, 1, 2 ] [ 1, 2, undefined ]\n"
     "[ 'B', 'C', 'a', 'b' ] [ 3, 2, 1 ]\n"
     ""},
    {"strings_more",
     "for (const ch of 'a😀b') console.log(ch, ch.length);\n"
     "console.log('a,b,,c'.split(','), 'abc'.split(''), 'a b c'.split(' ', 2), 'a-b-c'.replace('-', '+'), 'a-b-c'.replaceAll('-', '+'));\n"
     "console.log('abc'.at(-1), '😀'.codePointAt(0), 'b'.localeCompare('a'), '  x '.trimStart() + '|', '  x '.trimEnd() + '|');\n"
     "console.log('x'.replace('x', '$&$&'), 'abc'.replace('b', m => m.toUpperCase()), 'abcabc'.lastIndexOf('c'));\n"
     "const t = `multi\n"
     "line ${1 + 2} and ${[1, 2]} ${{}.x}`;\n"
     "console.log(t, `${'a'}${'b'}`, `plain`);",
     "a 1\n"
     "😀 2\n"
     "b 1\n"
     "[ 'a', 'b', '', 'c' ] [ 'a', 'b', 'c' ] [ 'a', 'b' ] a+b-c a+b+c\n"
     "c 128512 1 x |   x|\n"
     "xx aBc 5\n"
     "multi\n"
     "line 3 and 1,2 undefined ab plain\n"
     ""},
    {"surrogates",
     "const s = \"a😀b\"; let t = \"\"; for (let i = 0; i < s.length; i++) t += s[i]; console.log(t === s, t, t.length, [...t]);\n"
     "let u = \"\"; for (const c of \"😀😁\") u = c + u; console.log(u, \"😀\".charCodeAt(0), \"😀\".charCodeAt(1), String.fromCharCode(0xd83d) + String.fromCharCode(0xde00));",
     "true a😀b 4 [ 'a', '😀', 'b' ]\n"
     "😁😀 55357 56832 😀\n"
     ""},
    {"tasklet_style",
     "// image tile: blur a 8x8 grayscale tile\n"
     "const W = 8, H = 8;\n"
     "const img = new Uint8Array(W * H);\n"
     "for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img[y * W + x] = (x * 37 + y * 91) % 256;\n"
     "const out = new Uint8Array(W * H);\n"
     "for (let y = 1; y < H - 1; y++) {\n"
     "  for (let x = 1; x < W - 1; x++) {\n"
     "    let s = 0;\n"
     "    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += img[(y + dy) * W + x + dx];\n"
     "    out[y * W + x] = Math.round(s / 9);\n"
     "  }\n"
     "}\n"
     "console.log(Array.from(out.slice ? [] : []).length, out[9], out[18], out.reduce((a, b) => a + b, 0));\n"
     "// matrix multiply\n"
     "const A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]];\n"
     "const C = A.map((row, i) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)));\n"
     "console.log(C);\n"
     "// records\n"
     "const recs = JSON.parse('[{\"name\":\"b\",\"score\":3},{\"name\":\"a\",\"score\":3},{\"name\":\"c\",\"score\":9}]');\n"
     "recs.sort((x, y) => y.score - x.score || x.name.localeCompare(y.name));\n"
     "console.log(recs.map(r => `${r.name}:${r.score}`).join(', '));\n"
     "const byScore = {};\n"
     "for (const {name, score} of recs) (byScore[score] ?\?= []).push(name);",
     "0 100 114 4239\n"
     "[ [ 19, 22 ], [ 43, 50 ] ]\n"
     "c:9, a:3, b:3\n"
     ""},
    {"unicode_space_and_units",
     "console.log(parseInt(\"123456789012345678901234567890\"), parseFloat(\"1.5e3x\"), Number(\" \\u3000 42 \\ufeff\"), parseInt(\"\\u2003 7\"));\n"
     "console.log(\"\\ufeff x \\u3000\".trim() + \"|\", \"x\".padStart(4, \"😀\"), \"😀abc\".padEnd(5, \"é\") + \"|\", \"a😀b\".indexOf(\"b\", 2), \"a😀b\".slice(1, 2).length);\n"
     "console.log(\"\\u00e9\".toUpperCase(), \"ÀÉ\".toLowerCase());",
     "1.2345678901234568e+29 1500 42 7\n"
     "x| 😀�x 😀abc| 3 1\n"
     "É àé\n"
     ""},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Compile and run src with lim into *res; false (and a printed reason) on a compile error. */
static bool run_prog(const char *src, const struct vm_limits *lim, struct vm_result *res)
{
	struct vm_store *st = vm_store_new(0);
	char err[512];
	uint64_t root;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	rc = jsl_compile(st, "prog.jsl", src, strlen(src), &root, err, sizeof(err));
	if (rc) {
		printf("\n    compile error: %s\n", err);
		vm_store_free(st);
		return false;
	}
	CU_ASSERT_EQUAL(vm_run(st, root, lim, res), 0);
	vm_store_free(st);
	return true;
}

static void test_programs(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		struct vm_limits lim = {.seed = 1};
		struct vm_result res;

		if (!run_prog(cases[i].src, &lim, &res)) {
			CU_FAIL("program does not compile");
			continue;
		}
		if (res.status != VM_OK || strcmp(res.output, cases[i].output)) {
			printf("\n    %s: status %d %s\n    want: [%s]\n    got:  [%s]\n", cases[i].name,
			       res.status, res.error, cases[i].output, res.output);
			CU_FAIL("output differs from node's");
		}
		vm_result_free(&res);
	}
}

/* The same programs under the node on this machine, when there is one. */
static void test_live_node(void)
{
	char dir[] = "/tmp/jslobjXXXXXX";

	if (system("node --version > /dev/null 2>&1") != 0) {
		TL_SKIP("node is not installed");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	for (size_t i = 0; i < NCASES; i++) {
		char path[64], cmd[128], *out = NULL;
		size_t cap = 0, len = 0;
		FILE *f, *p;

		snprintf(path, sizeof(path), "%s/p.js", dir);
		f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(cases[i].src, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "node %s", path);
		p = popen(cmd, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		for (;;) {
			size_t n;

			if (len + 4096 > cap) {
				cap = cap ? cap * 2 : 8192;
				out = realloc(out, cap);
				CU_ASSERT_PTR_NOT_NULL_FATAL(out);
			}
			n = fread(out + len, 1, cap - len - 1, p);
			if (!n)
				break;
			len += n;
		}
		out[len] = 0;
		pclose(p);
		if (strcmp(out, cases[i].output)) {
			printf("\n    %s: node now prints [%s]\n", cases[i].name, out);
			CU_FAIL("recorded output is not what node prints");
		}
		free(out);
		unlink(path);
	}
	rmdir(dir);
}

static void expect_run(const char *src, const struct vm_limits *lim, int status, const char *output,
		       const char *value, const char *error)
{
	struct vm_result res;

	if (!run_prog(src, lim, &res)) {
		CU_FAIL("program does not compile");
		return;
	}
	if (res.status != status || strcmp(res.output, output) || (value && strcmp(res.value, value)) ||
	    (error && !strstr(res.error, error))) {
		printf("\n    source: %s\n    status %d (want %d), output [%s] (want [%s]), value [%s] "
		       "(want [%s]), error [%s] (want [%s])\n",
		       src, res.status, status, res.output, output, res.value, value ? value : "",
		       res.error, error ? error : "");
		CU_FAIL("unexpected run");
	}
	vm_result_free(&res);
}

static void test_input_and_return(void)
{
	static const char json[] = "{\"pixels\": [1, 2, 3], \"name\": \"tile\", \"scale\": 2.5}";
	struct vm_limits lim = {.input = json, .input_len = sizeof(json) - 1};
	struct vm_limits none = {0};
	struct vm_limits bad = {.input = "{nope", .input_len = 5};

	expect_run("return input.pixels.map(p => p * input.scale)", &lim, VM_OK, "",
		   "[ 2.5, 5, 7.5 ]", NULL);
	expect_run("console.log(input.name)\nif (input.scale > 2) return 'big'\n'small'", &lim, VM_OK,
		   "tile\n", "'big'", NULL);
	expect_run("typeof input", &none, VM_OK, "", "'undefined'", NULL);
	expect_run("for (let i = 0; i < 3; i++) { if (i == 1) return i }", &none, VM_OK, "", "1",
		   NULL);
	expect_run("1", &bad, VM_ERR_LOAD, "", NULL, "input is not valid JSON");
}

static void test_errors(void)
{
	struct vm_limits lim = {0};

	expect_run("let o = {}\nconsole.log(1)\no.f()", &lim, VM_ERR_RUNTIME, "1\n", NULL,
		   "prog.jsl:3: TypeError: o.f is not a function");
	expect_run("let a\na.b", &lim, VM_ERR_RUNTIME, "", NULL,
		   "prog.jsl:2: TypeError: Cannot read properties of undefined (reading 'b')");
	expect_run("throw new TypeError('custom')", &lim, VM_ERR_RUNTIME, "", NULL,
		   "prog.jsl:1: TypeError: custom");
	expect_run("throw 42", &lim, VM_ERR_RUNTIME, "", NULL, "prog.jsl:1: Uncaught 42");
	expect_run("[1].map(x => { throw new Error('deep') })", &lim, VM_ERR_RUNTIME, "", NULL,
		   "prog.jsl:1: Error: deep");
	expect_run("const f = () => g()\nconst g = () => { throw new RangeError('r') }\n"
		   "try { f() } catch (e) { console.log(e.name) }\n'after'",
		   &lim, VM_OK, "RangeError\n", "'after'", NULL);
	expect_run("function f() { return x }\nf()\nlet x = 1", &lim, VM_ERR_RUNTIME, "", NULL,
		   "ReferenceError: Cannot access 'x' before initialization");
	expect_run("{ const g = () => y; g(); let y = 1 }", &lim, VM_ERR_RUNTIME, "", NULL,
		   "ReferenceError: Cannot access 'y' before initialization");
	expect_run("const c = 1; const f = () => { c = 2 }; f()", &lim, VM_ERR_RUNTIME, "", NULL,
		   "TypeError: Assignment to constant variable.");
	/* reading an undeclared name throws when it runs, as in node; before the arguments */
	expect_run("let x = 1\nif (x > 1) y\nconsole.log(x)\nf(console.log(2))", &lim,
		   VM_ERR_RUNTIME, "1\n", NULL, "prog.jsl:4: ReferenceError: f is not defined");
	expect_run("try { y } catch (e) { console.log(e.name, e.message, e instanceof "
		   "ReferenceError) }", &lim, VM_OK, "ReferenceError y is not defined true\n", NULL,
		   NULL);
	expect_run("new Map(5)", &lim, VM_ERR_RUNTIME, "", NULL,
		   "TypeError: number 5 is not iterable (cannot read property Symbol(Symbol.iterator))");
	expect_run("Map()", &lim, VM_ERR_RUNTIME, "", NULL,
		   "TypeError: Constructor Map requires 'new'");
	expect_run("let a = []; a.length = -1", &lim, VM_ERR_RUNTIME, "", NULL,
		   "RangeError: Invalid array length");
	expect_run("let o = {}; o.self = o; JSON.stringify(o)", &lim, VM_ERR_RUNTIME, "", NULL,
		   "TypeError: Converting circular structure to JSON");
}

/* The heap bound holds for objects: exceeding it ends the run, never the process. */
static void test_heap(void)
{
	struct vm_limits small = {.heap_bytes = 4u << 20};

	expect_run("let keep = []\nfor (;;) keep.push({a: [1, 2, 3], s: 'x' + keep.length})", &small,
		   VM_ERR_MEMORY, "", NULL, "heap limit");
	expect_run("let m = new Map()\nfor (let i = 0; ; i++) m.set(i, [i])", &small, VM_ERR_MEMORY, "",
		   NULL, "heap limit");
	/* live data small, garbage large: runs to the end */
	expect_run("let last\nfor (let i = 0; i < 200000; i++) { const o = {i, a: [i, i], f: () => i};"
		   " last = o.f() }\nlast",
		   &small, VM_OK, "", "199999", NULL);
	expect_run("let s = ''\nfor (let i = 0; i < 100000; i++) { s += 'ab'; if (s.length > 1000) s "
		   "= '' }\ns.length",
		   &small, VM_OK, "", "602", NULL);
	expect_run("const t = new Map(); for (let i = 0; i < 100000; i++) { t.set(i % 100, {i}); "
		   "t.delete((i + 50) % 100) }\nt.size",
		   &small, VM_OK, "", "50", NULL);
}

/* t += x is amortised O(1): fuel grows linearly with the appends, and the old strings keep
 * their text while later ones share the buffer. */
static void test_append(void)
{
	struct vm_limits lim = {0};
	struct vm_result r1, r2;
	const char *s1 = "let t = ''\nfor (let i = 0; i < 100000; i++) t += 'x'\nt.length";
	const char *s2 = "let t = ''\nfor (let i = 0; i < 200000; i++) t += 'x'\nt.length";

	CU_ASSERT_FATAL(run_prog(s1, &lim, &r1));
	CU_ASSERT_FATAL(run_prog(s2, &lim, &r2));
	CU_ASSERT_STRING_EQUAL(r1.value, "100000");
	CU_ASSERT_STRING_EQUAL(r2.value, "200000");
	CU_ASSERT(r2.fuel_used < r1.fuel_used * 21 / 10);
	vm_result_free(&r1);
	vm_result_free(&r2);
	expect_run("let a = 'x'.repeat(300), b = a + 'y', c = a + 'z', d = b + 'w'\n"
		   "console.log(b.slice(-2), c.slice(-2), d.slice(-3), a.length, b + c === a + 'y' + a + "
		   "'z')",
		   &lim, VM_OK, "xy xz xyw 300 true\n", NULL, NULL);
}

/* Sorting and joining cost fuel by the elements they touch. */
static void test_fuel_work(void)
{
	struct vm_limits lim = {.fuel = 20000};

	expect_run("let a = Array(100000).fill(1)\na.join(',').length", &lim, VM_ERR_FUEL, "", NULL,
		   "fuel limit");
}

/* Compile time is linear in the top-level bindings (it was quadratic: 40k lets took 27 s). */
static void test_compile_scale(void)
{
	const size_t n = 40000;
	char *src = malloc(n * 32 + 64), *p = src;
	struct vm_store *st = vm_store_new(0);
	struct timespec t0, t1;
	char err[256];
	uint64_t root;
	double secs;

	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "let v%zu = %zu\n", i, i);
	p += sprintf(p, "v0 + v%zu\n", n - 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(jsl_compile(st, "big.jsl", src, (size_t)(p - src), &root, err, sizeof(err)),
			0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs > 10) {
		printf("\n    compiling %zu top-level lets took %.1f s\n", n, secs);
		CU_FAIL("compile time is not linear in the bindings");
	}
	vm_store_free(st);
	free(src);
}

struct host_log {
	char text[256];
	size_t len;
	uint64_t draws;
};

static uint64_t host_random(void *ctx)
{
	((struct host_log *)ctx)->draws++;
	return 1ull << 63; /* Math.random() = 0.5 */
}

static int host_output(void *ctx, const char *line, size_t len)
{
	struct host_log *h = ctx;

	if (h->len + len >= sizeof(h->text))
		return -1;
	memcpy(h->text + h->len, line, len);
	h->len += len;
	h->text[h->len] = 0;
	return 0;
}

/* vm_new/vm_step: a run in slices ends exactly as vm_run ends; the host's random and output. */
static void test_step(void)
{
	const char *src = "let s = 0\nfor (let i = 0; i < 20000; i++) s += i % 7\n"
			  "console.log('sum', s, Math.random());\n[1, 2].map(x => x * s)";
	struct vm_store *st = vm_store_new(0);
	struct host_log log = {0};
	struct vm_host host = {.ctx = &log, .random = host_random, .output = host_output};
	struct vm_limits lim = {.seed = 1};
	struct vm_result whole, sliced;
	char err[256];
	uint64_t root;
	struct vm *v;
	int yields = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(jsl_compile(st, "p.jsl", src, strlen(src), &root, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vm_run(st, root, &lim, &whole), 0);
	v = vm_new(st, root, &lim, &host);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	while (vm_step(v, 1000) == VM_STEP_YIELD)
		yields++;
	CU_ASSERT(yields >= 50);
	CU_ASSERT_EQUAL(vm_finish(v, &sliced), 0);
	CU_ASSERT_EQUAL(sliced.status, VM_OK);
	CU_ASSERT_STRING_EQUAL(sliced.value, whole.value);
	CU_ASSERT_EQUAL(sliced.fuel_used, whole.fuel_used);
	CU_ASSERT_STRING_EQUAL(sliced.output, ""); /* the host took it */
	CU_ASSERT_STRING_EQUAL(log.text, "sum 59997 0.5\n");
	CU_ASSERT_EQUAL(log.draws, 1);
	vm_result_free(&sliced);
	vm_free(v);
	/* the overall bound still holds across slices */
	lim.fuel = 5000;
	v = vm_new(st, root, &lim, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	while (vm_step(v, 700) == VM_STEP_YIELD)
		;
	CU_ASSERT_EQUAL(vm_finish(v, &sliced), 0);
	CU_ASSERT_EQUAL(sliced.status, VM_ERR_FUEL);
	CU_ASSERT(sliced.fuel_used <= 5000);
	vm_result_free(&sliced);
	vm_free(v);
	vm_result_free(&whole);
	vm_store_free(st);
}

/* Find the first instruction with opcode op in function fidx; its 4 bytes, or NULL. */
static uint8_t *find_ins(struct vm_store *st, uint64_t root, unsigned fidx, unsigned op)
{
	const struct vm_chunk *r = vm_store_get(st, root);
	const struct vm_chunk *tab = vm_store_get(st, r->s[JSL_ROOT_S_FUNC].v.link);
	const struct vm_chunk *f = vm_store_get(st, tab->s[fidx].v.link);
	uint64_t id = f->s[JSL_FUNC_S_CODE].v.link;

	while (id) {
		struct vm_chunk *c = vm_store_get_mut(st, id);

		for (unsigned k = 0; k < VM_CHUNK_SLOTS - 1; k++) {
			if (c->s[k].type != VM_SLOT_BYTES)
				continue;
			for (unsigned h = 0; h < c->s[k].len / 4u; h++)
				if (c->s[k].v.b[4 * h] == op)
					return c->s[k].v.b + 4 * h;
		}
		id = c->s[JSL_S_NEXT].type == VM_SLOT_LINK ? c->s[JSL_S_NEXT].v.link : 0;
	}
	return NULL;
}

/* A crafted graph cannot make the interpreter misuse an object. */
static void test_crafted(void)
{
	const char *src = "function mk() { let n = 0; return () => ++n }\nconst f = mk()\nf()\n"
			  "let a = [1]\na";
	struct vm_store *st = vm_store_new(0);
	struct vm_result res;
	char err[256];
	uint64_t root;
	uint8_t *ins;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(jsl_compile(st, "p.jsl", src, strlen(src), &root, err, sizeof(err)), 0);
	/* a closure loaded as a plain function: rejected when loading */
	ins = find_ins(st, root, 1, JSL_OP_CLOSURE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	ins[0] = JSL_OP_LOADFN;
	CU_ASSERT_EQUAL(vm_run(st, root, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_LOAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "needs a closure"));
	vm_result_free(&res);
	ins[0] = JSL_OP_CLOSURE;
	/* APPEND into something that is not an array: an error, not a crash */
	ins = find_ins(st, root, 0, JSL_OP_APPEND);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	ins[1] = ins[2]; /* append R[B] to itself: a number */
	CU_ASSERT_EQUAL(vm_run(st, root, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_RUNTIME);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "invalid bytecode"));
	vm_result_free(&res);
	/* a cell operand that is not a cell */
	ins = find_ins(st, root, 1, JSL_OP_NEWCELL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	ins[0] = JSL_OP_LOADU;
	ins[2] = ins[3] = 0;
	CU_ASSERT_EQUAL(vm_run(st, root, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_RUNTIME);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "invalid bytecode"));
	vm_result_free(&res);
	vm_store_free(st);
	/* THIS in the first frame, which has no slot below it: undefined, nothing read */
	st = vm_store_new(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(jsl_compile(st, "p.jsl", src, strlen(src), &root, err, sizeof(err)), 0);
	ins = find_ins(st, root, 0, JSL_OP_LOADU);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	ins[0] = JSL_OP_THIS;
	CU_ASSERT_EQUAL(vm_run(st, root, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	vm_result_free(&res);
	ins[0] = JSL_OP_LOADU;
	/* CALLMR without its key register (B = 0): rejected when loading */
	ins = find_ins(st, root, 0, JSL_OP_CALL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
	ins[0] = JSL_OP_CALLMR;
	ins[2] = 0;
	CU_ASSERT_EQUAL(vm_run(st, root, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_ERR_LOAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "no key register"));
	vm_result_free(&res);
	vm_store_free(st);
}

/* Random byte flips in the code of a program using every new construct never crash the VM. */
struct code_ids {
	uint64_t *ids;
	int n, cap;
};

static int code_id(const struct vm_chunk *c, void *arg)
{
	struct code_ids *l = arg;

	if (c->kind == VM_CHUNK_CODE && l->n < l->cap)
		l->ids[l->n++] = c->id;
	return 0;
}

static void test_mutations(void)
{
	static const char src[] =
	    "function mk(a, ...r) { let n = a; const o = {n, r, f() { return n++ } }; return o }\n"
	    "const m = new Map([[1, 'a']]), s = new Set([1, 2]);\n"
	    "let out = [];\n"
	    "for (let i = 0; i < 5; i++) { const o = mk(i, 1, 2); out.push(() => o.f() + i); }\n"
	    "try { null.x } catch (e) { out.push(e.message) } finally { out.push('f') }\n"
	    "const {a = 1, ...rest} = {b: 2}; const [p, ...q] = [1, 2, 3];\n"
	    "label: for (const k in {x: 1, y: 2}) { if (k == 'y') break label; out.push(k) }\n"
	    "switch (out.length) { case 1: out.push(1); default: out.push(`t${p}`) }\n"
	    "JSON.stringify(out.map(f => typeof f == 'function' ? f() : f)) + m.get(1) + s.size + "
	    "(rest.b ?? 0) + q.length";
	struct vm_limits lim = {.fuel = 100000, .heap_bytes = 1 << 22};
	struct vm_store *st = vm_store_new(0);
	uint64_t ids[512], root, rng = 0x12345678;
	struct vm_result res;
	char err[256];
	int nid = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL_FATAL(jsl_compile(st, "m.jsl", src, strlen(src), &root, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vm_run(st, root, &lim, &res), 0);
	CU_ASSERT_EQUAL(res.status, VM_OK);
	vm_result_free(&res);
	/* its code chunks (content ids: found by a walk, not by counting) */
	{
		struct code_ids l = { ids, 0, 512 };

		vm_store_walk(st, root, VM_MAX_TASKLET_CHUNKS, code_id, &l, NULL);
		nid = l.n;
	}
	CU_ASSERT_FATAL(nid > 0);
	for (int it = 0; it < 1000; it++) {
		struct vm_chunk *c;
		unsigned sl, b;
		uint8_t old;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		c = vm_store_get_mut(st, ids[(rng >> 33) % (uint64_t)nid]);
		sl = (unsigned)(rng >> 20) % (VM_CHUNK_SLOTS - 1);
		if (c->s[sl].type != VM_SLOT_BYTES || !c->s[sl].len)
			continue;
		b = (unsigned)(rng >> 40) % c->s[sl].len;
		old = c->s[sl].v.b[b];
		c->s[sl].v.b[b] = (uint8_t)(rng >> 56);
		CU_ASSERT_EQUAL(vm_run(st, root, &lim, &res), 0);
		vm_result_free(&res);
		c->s[sl].v.b[b] = old;
	}
	vm_store_free(st);
}

/* What the fuzzers found (tests/fuzz/, make fuzz-diff), kept as regressions. */
static void test_fuzz_found(void)
{
	struct vm_limits lim = {.seed = 1};

	/* fuzz_compile: spreading a string whose source bytes end in a stray 0x80 read
	 * past the VM's table of one-character strings (UBSan: index 128 out of bounds) */
	expect_run("const [a, b, ...c] = \"ab\x9f\x98\x80\"; console.log(a, b, c.length);", &lim,
		   VM_OK, "a b 2\n", NULL, NULL);
	expect_run("console.log([...\"\x80\x80x\xff\"].length);", &lim, VM_OK, "3\n", NULL, NULL);
}

TL_SUITE(u_jsl_obj, NULL, NULL, {"what the fuzzers found", test_fuzz_found}, {"random mutations of object code never crash the VM", test_mutations}, {"crafted bytecode cannot misuse objects", test_crafted}, {"vm_new/vm_step run in slices; the host interface", test_step}, {"compile time is linear in top-level bindings", test_compile_scale}, {"programs print what node prints", test_programs},
	 {"the same programs under the installed node", test_live_node},
	 {"the global input and a top-level return", test_input_and_return},
	 {"runtime errors with node's messages; try/catch", test_errors},
	 {"the heap bound with objects; garbage is collected", test_heap},
	 {"string appends are amortised O(1)", test_append},
	 {"library work costs fuel", test_fuel_work});
