const compose = (...fs) => (x) => fs.reduceRight((v, f) => f(v), x);
const inc = (x) => x + 1, dbl = (x) => x * 2;
console.log(compose(inc, dbl)(5), compose(dbl, inc)(5), compose()(7));
