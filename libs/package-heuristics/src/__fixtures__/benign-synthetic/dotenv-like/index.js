const fs = require('fs');
const path = require('path');
// Loads KEY=value pairs from .env into process.env (no network).
function config(options = {}) {
  const file = options.path || path.resolve(process.cwd(), '.env');
  const parsed = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([\w.-]+)\s*=\s*(.*)?\s*$/.exec(line);
    if (m) parsed[m[1]] = m[2] || '';
  }
  for (const key of Object.keys(parsed)) if (!(key in process.env)) process.env[key] = parsed[key];
  return { parsed, keys: Object.keys(process.env).length };
}
module.exports = { config };
