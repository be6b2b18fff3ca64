console.log(typeof notDeclaredAnywhere, typeof undefined, typeof null);
