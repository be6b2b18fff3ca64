console.log(typeof [], typeof [1], [] instanceof Array, [1, 2] instanceof Object);
