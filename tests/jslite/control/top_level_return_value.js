function work(x) {
	return x * 2;
}
const r = work(21);
console.log("result computed", r);
return r;
