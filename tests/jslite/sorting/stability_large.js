const a = [];
for (let i = 0; i < 500; i++) a.push({ k: (i * 7919) % 10, i: i });
a.sort((x, y) => x.k - y.k);
let ok = true;
for (let i = 1; i < a.length; i++) if (a[i - 1].k === a[i].k && a[i - 1].i > a[i].i) ok = false;
console.log(ok, a[0].i, a[499].i, a[250].k);
