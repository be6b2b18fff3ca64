const st = [];
st.push(1);
st.push(2);
st.push(3);
console.log(st.pop(), st.pop(), st.length);
const q = [];
q.push("a");
q.push("b");
console.log(q.shift(), q.shift(), q.shift(), q.length);
