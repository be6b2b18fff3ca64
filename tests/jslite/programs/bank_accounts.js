function account(owner) {
	let balance = 0;
	const history = [];
	return {
		owner,
		deposit(n) {
			if (n <= 0) throw new RangeError("deposit must be positive");
			balance += n;
			history.push(["dep", n]);
		},
		withdraw(n) {
			if (n > balance) throw new Error("insufficient funds: " + balance + " < " + n);
			balance -= n;
			history.push(["wd", n]);
		},
		report: () => owner + ": " + balance + " (" + history.map((h) => h.join(":")).join(",") + ")",
	};
}
const a = account("ann");
a.deposit(100);
a.withdraw(30);
try {
	a.withdraw(500);
} catch (e) {
	console.log(e.message);
}
try {
	a.deposit(-1);
} catch (e) {
	console.log(e.name, e.message);
}
console.log(a.report());
