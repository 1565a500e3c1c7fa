// Preload for a Palisade process under a benchmark (`node -r ./tools/bench/cpu-profile-preload.cjs`):
// the first SIGUSR2 starts V8's CPU profiler, the next one writes what it recorded to
// $BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile (open it in Chrome DevTools or speedscope for a flame
// graph), so a profile covers exactly the phase the benchmark brackets with the two signals.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
if (!dir) throw new Error('cpu-profile-preload: set BENCH_PROFILE_DIR');
const session = new Session();
session.connect();
let recording = false;
let written = 0;
process.on('SIGUSR2', () => {
  if (!recording) {
    recording = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  recording = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) {
      process.stderr.write(`cpu-profile-preload: ${error.message}\n`);
      return;
    }
    written += 1;
    writeFileSync(join(dir, `${process.pid}-${written}.cpuprofile`), JSON.stringify(result.profile));
  });
});
