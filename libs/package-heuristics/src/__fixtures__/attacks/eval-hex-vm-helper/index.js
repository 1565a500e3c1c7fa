const vm = require('vm');
function d(x) {
  return Buffer.from(x, 'hex').toString();
}
const payload = '6d6f64756c652e6578706f7274732e7265616479203d20747275653b202f2f206861726d6c65737320726570726f64756374696f6e';
vm.runInNewContext(d(payload), { module: { exports: {} } });
module.exports = (a, b) => Object.assign({}, a, b);
