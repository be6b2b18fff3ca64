console.log("john smith".replace("smith", "$'-$`"), "aXb".replace("X", "$0"), "aXb".replace("X", "$1"));
