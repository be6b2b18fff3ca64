const v = 5;
switch (true) {
	case v < 0:
		console.log("neg");
		break;
	case v < 10:
		console.log("small");
		break;
	default:
		console.log("big");
}
