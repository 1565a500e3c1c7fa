// A stand-in for a Palisade service under the supervisor: a real process that crashes (exit 3)
// on its first `crashes` starts, then reports started over IPC like runService and serves until
// SIGTERM. Every start appends `<pid> <time>` to the journal; a clean stop appends `stopped <pid>`.
// Usage: node fake-service.js <journal> <crashes> [normal|stubborn|config]
const { appendFileSync, existsSync, readFileSync } = require('node:fs');
const { setInterval, setTimeout } = require('node:timers');

const [journal, crashesArg, mode = 'normal'] = process.argv.slice(2);
const starts = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((line) => /^\d+ \d+$/.test(line)).length : 0;
appendFileSync(journal, `${process.pid} ${Date.now()}\n`);

if (mode === 'config') process.exit(78);
if (starts < Number(crashesArg)) setTimeout(() => process.exit(3), 20);
else {
  process.on('SIGTERM', () => {
    if (mode === 'stubborn') return;
    appendFileSync(journal, `stopped ${process.pid}\n`);
    process.exit(0);
  });
  if (process.send) process.send({ type: 'palisade.service.started' });
  setInterval(() => undefined, 1_000);
}
