console.log(JSON.stringify(["a"].concat("b", ["c", "d"])), ["x"].concat([]).length);
