const N = 100;
const sieve = new Array(N + 1).fill(true);
sieve[0] = sieve[1] = false;
for (let i = 2; i * i <= N; i++) if (sieve[i]) for (let j = i * i; j <= N; j += i) sieve[j] = false;
const primes = [];
for (let i = 0; i <= N; i++) if (sieve[i]) primes.push(i);
console.log(primes.length, primes.join(" "));
