const https = require('https');
const { request } = require('undici');
// An API client: reads its token from the environment and talks HTTPS. Runtime only.
class Client {
  constructor(options = {}) {
    this.token = options.token || process.env.ACME_API_TOKEN || process.env.GITHUB_TOKEN;
    this.agent = new https.Agent({ keepAlive: true });
  }
  async get(path) {
    const res = await request(`https://api.example.invalid${path}`, { headers: { authorization: `Bearer ${this.token}` } });
    return res.body.json();
  }
  async post(path, body) {
    const res = await fetch(`https://api.example.invalid${path}`, { method: 'POST', body: JSON.stringify(body) });
    return res.json();
  }
}
module.exports = { Client, env: { ...process.env, ACME_CLIENT: '1' } };
