console.log("thanks for installing");
