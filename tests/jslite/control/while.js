let i = 0, s = 0;
while (i < 10) {
	s += i;
	i++;
}
console.log(i, s);
while (false) console.log("never");
