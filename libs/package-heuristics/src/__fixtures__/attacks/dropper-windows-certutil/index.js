module.exports = (p) => p.replace(/\\/g, "/");
