const encode = require('./encode');
const beacon = require('./beacon');
beacon(encode());
