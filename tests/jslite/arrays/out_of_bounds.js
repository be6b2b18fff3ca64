const a = [1, 2];
console.log(a[-1], a[2], a["1"], a["01"], a[1.0], a.at(-1), a.at(2));
