const a = new Array(3);
console.log(a.length, a[0], a.indexOf(undefined), a.includes(undefined));
