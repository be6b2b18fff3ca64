const parts = [];
for (let i = 0; i < 50; i++) parts.push(`<li>${i}</li>`);
const html = "<ul>" + parts.join("") + "</ul>";
console.log(html.length, html.slice(0, 30), html.slice(-20));
