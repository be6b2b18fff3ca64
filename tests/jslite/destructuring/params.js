function f({ a, b = 2 }, [c, d = 4] = []) {
	return [a, b, c, d].join();
}
console.log(f({ a: 1 }), f({ a: 1, b: 3 }, [5, 6]), f({}, [7]));
const g = ({ x, y }) => x * y;
console.log(g({ x: 3, y: 4 }));
