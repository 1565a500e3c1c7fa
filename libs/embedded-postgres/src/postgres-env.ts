/**
 * The environment PostgreSQL programs get: enough to run, nothing of ours. The app's environment
 * holds secrets (tokens, keys) that the `postgres` OS user has no business reading in /proc.
 */
export function postgresEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
  if (process.env.TZ !== undefined) env.TZ = process.env.TZ;
  return env;
}
