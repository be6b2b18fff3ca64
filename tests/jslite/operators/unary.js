console.log(-"3", +"-3", !"", !!"x", ~~3.7, ~~-3.7, -(-0), typeof -undefined);
