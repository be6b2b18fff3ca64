const o = { n: 1, arr: [1, 2] };
o.n += 10;
o["n"] *= 2;
o.arr[1] **= 3;
o.arr[0]++;
++o.n;
console.log(o.n, o.arr.join(), o.arr[0]--, o.arr[0]);
