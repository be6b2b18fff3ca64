const counter = {
	n: 0,
	inc() {
		this.n++;
		return this;
	},
	get2: function () {
		return this.n * 2;
	},
};
counter.inc().inc().inc();
console.log(counter.n, counter.get2());
