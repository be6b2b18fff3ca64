const key = "dyn";
const { [key]: v, ["x" + "y"]: w = 0 } = { dyn: 1 };
console.log(v, w);
