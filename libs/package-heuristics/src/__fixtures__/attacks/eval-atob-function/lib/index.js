const util = require('./util');
exports.parse = (q) => Object.fromEntries(new URLSearchParams(q));
util.init();
