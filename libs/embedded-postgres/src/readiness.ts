import { Client } from 'pg';
import { hasCode } from './fs-errors';

export type Readiness = 'ready' | 'not-yet' | 'password-refused';

// 28P01 invalid_password, 28000 invalid_authorization_specification: waiting will not help.
const REFUSED = ['28P01', '28000'];

/** One connection attempt: does the server answer queries with this URL's credentials? */
export async function probeReadiness(url: string): Promise<Readiness> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return 'ready';
  } catch (e: unknown) {
    return hasCode(e, ...REFUSED) ? 'password-refused' : 'not-yet';
  } finally {
    await client.end().catch(() => undefined);
  }
}
