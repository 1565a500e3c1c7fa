module.exports = (a, b) => a.map((v, i) => (v + b[i]) / 2);
