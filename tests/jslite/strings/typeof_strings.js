console.log(typeof "", typeof `t`, typeof String(1), typeof ("a" + 1), typeof "a".length);
