module.exports = (t) => t.split("\n").filter(Boolean);
