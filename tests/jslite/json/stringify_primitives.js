console.log(JSON.stringify(1), JSON.stringify("s"), JSON.stringify(true), JSON.stringify(null));
console.log(JSON.stringify(undefined), JSON.stringify(NaN), JSON.stringify(-0), JSON.stringify(Infinity), JSON.stringify(1e21));
