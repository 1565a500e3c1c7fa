import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCleanups, tempDir, waitFor } from '@palisade/testing';
import { startStack, type Stack } from '../support/stack';
import { FAULT_POLICY, assertAcceptance } from './support/acceptance';
import { FaultSeries } from './support/fault-run';
import type { NotApplicable } from './support/fault-table';
import { PublishLoad } from './support/publish-load';

// Issue 14, embedded mode (`npm start`: every service, the bus and PostgreSQL in one process and
// its data folder): under a trickle of publishes and installs, the server SIGKILLed and started
// again, its PostgreSQL stopped, the whole process frozen past the consumers' lease, undecodable
// messages on the bus; then the acceptance checks. Faults of separate processes do not exist here.
/** As long as the issue asks (and as the distributed run): a minute without the database. */
const POSTGRES_OUTAGE_MS = 60_000;
/** Longer than the consumers' 30 s lease (ack wait): their messages are handed out again meanwhile. */
const FROZEN_MS = 35_000;
const POISONED = 3;

const NOT_APPLICABLE: NotApplicable[] = [
  { fault: 'SIGKILL of one service', why: 'one process: see "server SIGKILL + restart"' },
  { fault: 'NATS restart', why: 'no NATS: the bus is tables in the embedded PostgreSQL' },
];

describe('fault injection (embedded mode)', () => {
  let stack: Stack;
  let load: PublishLoad;
  let dataDir: string;
  let series: FaultSeries;

  beforeAll(async () => {
    dataDir = await tempDir('palisade-faults-embedded-');
    const policyDir = await tempDir('palisade-faults-policy-');
    await writeFile(join(policyDir, 'policy.yaml'), FAULT_POLICY);
    stack = await startStack('embedded', { PALISADE_DATA_DIR: dataDir, PALISADE_POLICY_FILE: join(policyDir, 'policy.yaml') });
    load = new PublishLoad(stack, 'e');
    series = new FaultSeries(stack, load);
  }, 300_000);

  afterAll(async () => {
    await load?.stop();
    await stack?.stop();
    await runCleanups();
  }, 60_000);

  const fault = (name: string, inject: () => Promise<void>) => series.run(name, inject);

  it('loses no acknowledged publish, applies every effect once and dead-letters only poison', async () => {
    load.start();
    await waitFor(() => load.acknowledged().length >= 3, { timeoutMs: 60_000, message: 'load running' });

    await fault('server SIGKILL + restart', () => stack.restartServer('SIGKILL'));

    // Nothing in `npm start` restarts a PostgreSQL that stopped under it (it only makes sure
    // PostgreSQL never outlives Palisade): Palisade stays up, answers no publish with 2xx, and is
    // back once its supervisor restarts it on the same data folder.
    await fault(`PostgreSQL stopped ${POSTGRES_OUTAGE_MS / 1000} s, then a supervisor restart`, async () => {
      const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(postmaster, 'SIGINT');
      await sleep(POSTGRES_OUTAGE_MS);
      const server = stack.processes()[0];
      // On failure, the lines that say why the server left (a crash is logged at fatal).
      const why = server.isRunning() ? '' : [...server.stdout, ...server.stderr].filter((line) => /"level":"?(error|fatal|50|60)\b/.test(line)).slice(-10).join('\n');
      expect({ running: server.isRunning(), why }).toEqual({ running: true, why: '' });
      await stack.restartServer('SIGTERM');
    });

    // The whole process frozen (SIGSTOP) with messages in hand: from the bus's side every consumer
    // is slower than its lease, and the messages it holds are handed out again.
    await fault(`process frozen ${FROZEN_MS / 1000} s (consumers past their lease)`, async () => {
      const server = stack.processes()[0];
      process.kill(server.pid, 'SIGSTOP');
      try {
        await sleep(FROZEN_MS);
      } finally {
        process.kill(server.pid, 'SIGCONT');
      }
    });

    const poisonIds = await series.poison(POISONED);

    await load.stop();
    if (!('embeddedDatabaseUrl' in stack.bus)) throw new Error('embedded stack without its database URL');
    await assertAcceptance({ mode: 'embedded', stack, load, windows: series.windows, notApplicable: NOT_APPLICABLE, databaseUrl: stack.bus.embeddedDatabaseUrl, poisonIds, logLines: () => series.logLines() });
  }, 900_000);
});
