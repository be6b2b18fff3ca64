console.log(String({}), `${{ a: 1 }}`, {} + "", JSON.stringify({}));
