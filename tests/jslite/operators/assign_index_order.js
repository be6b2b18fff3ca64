// obj[key] = value evaluates obj, then key, then value; a local as the value is read
// after the key (the store uses the local's register directly, without a copy).
const a = [0, 0, 0, 0];
let i = 0;
a[i++] = i;
a[i++] = i++;
let x = 1;
const o = {};
o[(x = 5, "k")] = x;
o.m = x;
x = 7;
let t = 3;
a[(t = 9, 3)] = t;
const b = [1, 2, 3];
let j = 0;
b[j] = b[j + 1] = j = 2;
console.log(a.join(","), i, JSON.stringify(o), b.join(","), j);
function swap(arr, p, q) { const tmp = arr[p]; arr[p] = arr[q]; arr[q] = tmp; return arr; }
console.log(swap([1, 2, 3], 0, 2).join(","), (o.z = x) + 1, o.z);
