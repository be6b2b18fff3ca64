const csv = "name,age,city\nann,31,oslo\nbob,27,rome";
const rows = csv.split("\n").map((l) => l.split(","));
const [hdr, ...data] = rows;
for (const r of data) console.log(hdr.map((h, i) => h + "=" + r[i]).join(" "));
