const moves = [];
function hanoi(n, a, b, c) {
	if (n === 0) return;
	hanoi(n - 1, a, c, b);
	moves.push(a + c);
	hanoi(n - 1, b, a, c);
}
hanoi(4, "A", "B", "C");
console.log(moves.length, moves.slice(0, 5).join(" "));
