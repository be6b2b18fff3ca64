const people = [
	{ n: "a", age: 30 }, { n: "b", age: 25 }, { n: "c", age: 30 }, { n: "d", age: 25 },
	{ n: "e", age: 30 }, { n: "f", age: 20 }, { n: "g", age: 25 }, { n: "h", age: 20 },
	{ n: "i", age: 30 }, { n: "j", age: 25 }, { n: "k", age: 20 }, { n: "l", age: 30 },
];
people.sort((x, y) => x.age - y.age);
console.log(people.map((p) => p.n + p.age).join(" "));
