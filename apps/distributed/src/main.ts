import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVICE_NAMES } from '@palisade/platform';

// `npm run start:distributed`: every service as its own process on this host, against the NATS,
// PostgreSQL and object store the environment names (see README, "Configuration"). In production
// each runs in its own container or pod instead; this is the same thing on one machine.
const children = new Map<string, ChildProcess>();
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const exitWhenDone = () => {
    if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code);
  };
  for (const child of children.values()) child.once('exit', exitWhenDone);
  exitWhenDone();
}

for (const name of SERVICE_NAMES) {
  const child = spawn(process.execPath, [resolve(__dirname, `../../../services/${name}/dist/main.js`)], { stdio: 'inherit', env: process.env });
  children.set(name, child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`palisade-${name} exited (${signal ?? code}); stopping the others\n`);
    stopAll(typeof code === 'number' && code !== 0 ? code : 1);
  });
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
