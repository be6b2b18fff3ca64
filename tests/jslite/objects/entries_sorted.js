const scores = { bob: 3, alice: 5, carol: 4 };
const top = Object.entries(scores).sort((a, b) => b[1] - a[1]);
console.log(top.map((e) => e.join(":")).join(" "));
