console.log(["it's", 'say "hi"', "both ' and \"", "nl\n"]);
