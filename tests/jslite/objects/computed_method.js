const name = "go";
const o = {
	[name]() {
		return "went";
	},
	[name + "2"]: () => "arrow",
};
console.log(o.go(), o.go2());
