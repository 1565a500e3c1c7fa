module.exports = require("path").join(__dirname, "assets");
