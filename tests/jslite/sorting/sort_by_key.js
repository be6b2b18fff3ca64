const words = ["banana", "Apple", "cherry", "apple", "Banana"];
console.log(words.slice().sort().join());
console.log(words.slice().sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)).join());
console.log(words.slice().sort((a, b) => a.length - b.length).join());
