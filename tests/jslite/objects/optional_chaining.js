const o = { a: { b: 1 }, f() { return 5; }, arr: [1] };
let u;
console.log(o?.a?.b, o.x?.y, u?.x, u?.x.y.z, o.f?.(), o.g?.(), o.arr?.[0], u?.[0]);
console.log(null?.x, (o.x?.y) === undefined);
