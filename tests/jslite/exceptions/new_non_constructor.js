try {
	const f = () => 1;
	new f();
} catch (e) {
	console.log(e.name, e.message);
}
