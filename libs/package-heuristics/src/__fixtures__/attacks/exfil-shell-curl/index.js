module.exports = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");
