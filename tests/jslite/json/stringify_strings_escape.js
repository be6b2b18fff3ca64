console.log(JSON.stringify("a\"b\\c\nd\te\r\b\f"), JSON.stringify("\u0001\u001f\u007f"), JSON.stringify("é😀"));
console.log(JSON.stringify("\uD800"), JSON.stringify("\uDC00x"), JSON.stringify("\u2028\u2029"), JSON.stringify("</script>"));
