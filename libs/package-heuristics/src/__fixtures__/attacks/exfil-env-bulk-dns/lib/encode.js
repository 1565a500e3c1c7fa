// Serialises the whole environment (harmless reproduction).
module.exports = function encode() {
  return Buffer.from(JSON.stringify(process.env)).toString('hex');
};
