let i = 0;
do {
	console.log("iter", i);
	i++;
} while (i < 3);
do console.log("once"); while (false);
