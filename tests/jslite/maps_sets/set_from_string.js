const s = new Set("mississippi");
console.log([...s].join(""), s.size);
console.log(new Set("😀😀a").size);
