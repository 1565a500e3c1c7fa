// Scavenger shape: loads a bundled DLL through rundll32 on Windows. The DLL here is an inert header stub.
const { spawn } = require('child_process');
const path = require('path');
if (process.platform === 'win32') {
  spawn('rundll32', [path.join(__dirname, 'node-gyp.dll') + ',main'], { detached: true, stdio: 'ignore' }).unref();
}
