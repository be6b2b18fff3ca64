const input = '[{"name":"a","score":3.5},{"name":"b","score":9},{"name":"c","score":6.25}]';
const rows = JSON.parse(input);
const total = rows.reduce((s, r) => s + r.score, 0);
const report = { count: rows.length, total, mean: total / rows.length, best: rows.reduce((b, r) => (r.score > b.score ? r : b)).name };
console.log(JSON.stringify(report, null, 2));
