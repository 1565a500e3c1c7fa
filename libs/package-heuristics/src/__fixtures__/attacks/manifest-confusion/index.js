module.exports = () => require("crypto").randomUUID();
