console.log(Number.parseInt === parseInt, Number.parseFloat === parseFloat);
console.log(Number.parseInt("08"), Number.parseFloat("08.50"));
