module.exports = (s, n) => String(s).padStart(n);
