const o = {
	name: "o",
	greet() {
		return "hi " + this.name;
	},
	nested: {
		name: "n",
		greet() {
			return "yo " + this.name;
		},
	},
};
console.log(o.greet(), o.nested.greet(), o["greet"]());
