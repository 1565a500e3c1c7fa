// Compiles templates to functions, as ajv, lodash.template and ejs do.
function compile(source) {
  const body = 'return `' + source.replace(/`/g, '\\`').replace(/\{\{\s*(\w+)\s*\}\}/g, '${data.$1}') + '`;';
  return new Function('data', body);
}
const globalObject = Function('return this')();
module.exports = { compile, globalObject };
