import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * The watchdog, as a script for `node -e`: arguments are the app's pid, the postmaster's pid and
 * how long a fast shutdown may take. It stops the postmaster (SIGINT: fast shutdown; SIGKILL of
 * its process group after the grace time) as soon as the app is gone: its end of the pipe from
 * the app closes (every exit path, SIGKILL included) or it is no longer the app's child. It exits
 * on its own once the postmaster has exited.
 */
const WATCHDOG_SCRIPT = `
const [appPid, postmasterPid, graceMs] = process.argv.slice(1).map(Number);
const fs = require('node:fs');
const alive = (pid) => {
  try { process.kill(pid, 0); } catch (e) { if (e.code !== 'EPERM') return false; }
  // A zombie (exited, not reaped yet) holds nothing.
  try { return !/\\) Z /.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return process.platform !== 'linux'; }
};
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  try { process.kill(postmasterPid, 'SIGINT'); } catch {}
  const deadline = Date.now() + graceMs;
  setInterval(() => {
    if (!alive(postmasterPid)) process.exit(0);
    if (Date.now() > deadline) {
      try { process.kill(-postmasterPid, 'SIGKILL'); } catch {}
      process.exit(0);
    }
  }, 50);
};
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setInterval(() => {
  if (!alive(postmasterPid)) process.exit(0);
  if (process.ppid !== appPid || !alive(appPid)) stop();
}, 250);
`;

export interface Watchdog {
  readonly pid: number;
}

/**
 * Starts a tiny process that stops the postmaster when this process is gone, whatever killed it
 * (a signal handler cannot run on SIGKILL). It is detached (a Ctrl-C in the terminal does not
 * reach it) and holds nothing open in this process: it never keeps the app alive.
 */
export function startWatchdog(postmasterPid: number, graceMs: number): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(process.pid), String(postmasterPid), String(graceMs)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '' },
  });
  child.on('error', () => undefined);
  (child.stdin as Socket | null)?.on('error', () => undefined);
  (child.stdin as Socket | null)?.unref();
  child.unref();
  return { pid: child.pid ?? -1 };
}
