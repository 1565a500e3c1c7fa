#!/usr/bin/env node
const { spawnSync } = require('child_process');
spawnSync('git', ['config', 'core.hooksPath', '.hooks'], { stdio: 'inherit' });
