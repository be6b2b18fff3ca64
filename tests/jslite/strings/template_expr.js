const a = [1, 2, 3];
const o = { x: 1 };
console.log(`len=${a.length} x=${o.x} t=${typeof o} f=${(() => 42)()}`);
console.log(`${1}${2}${3}`, `${-0}`, `${0.1 * 3}`);
