// outside the subset: 'new' with a function of the program (node: TypeError
// "f is not a constructor" for an arrow; a function declaration would construct)
try {
	const f = () => 1;
	new f();
} catch (e) {
	console.log(e.name, e.message);
}
