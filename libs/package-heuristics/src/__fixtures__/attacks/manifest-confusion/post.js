console.log("hidden hook");
