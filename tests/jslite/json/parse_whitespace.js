const o = JSON.parse(' \n\t{ "a" :\r [ 1 , 2 ] } \n');
console.log(JSON.stringify(o));
