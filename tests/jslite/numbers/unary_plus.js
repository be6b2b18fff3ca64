console.log(+"", +" ", +"12", +"1e2", +"0x10", +"abc", +true, +null, +undefined);
console.log(-"5", -"", -"-0", +[], +"  \n42\t");
