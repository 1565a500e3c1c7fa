import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCleanups, startPostgres, tempDir, waitFor, type PostgresHandle } from '@palisade/testing';
import { startStack, type Stack, type StackService } from '../support/stack';
import { FAULT_POLICY, assertAcceptance } from './support/acceptance';
import { FaultSeries } from './support/fault-run';
import { PublishLoad } from './support/publish-load';

// Issue 14, distributed mode: under a trickle of publishes and installs, each fault in turn (every
// service SIGKILLed and restarted, NATS restarted, PostgreSQL stopped for 60 s, a consumer frozen
// past its ack wait while a burst arrives, undecodable messages), then the acceptance checks.
const SERVICES: StackService[] = ['gateway', 'ingest', 'scanning', 'signing', 'promotion', 'recall'];
const SERVICE_ORDER: StackService[] = ['ingest', 'scanning', 'signing', 'promotion', 'recall', 'gateway'];
const POSTGRES_OUTAGE_MS = 60_000;
/** Longer than the consumers' 30 s ack wait: the broker redelivers what the frozen handler holds. */
const FROZEN_CONSUMER_MS = 35_000;
const BURST = 15;
const POISONED = 3;

describe('fault injection (distributed mode)', () => {
  let postgres: PostgresHandle;
  let stack: Stack;
  let load: PublishLoad;
  let series: FaultSeries;

  beforeAll(async () => {
    // A PostgreSQL of this test's own: the shared one must never be stopped.
    postgres = await startPostgres();
    const policyDir = await tempDir('palisade-faults-policy-');
    await writeFile(join(policyDir, 'policy.yaml'), FAULT_POLICY);
    stack = await startStack('distributed', { PALISADE_POLICY_FILE: join(policyDir, 'policy.yaml') }, { databaseUrl: postgres.url });
    load = new PublishLoad(stack, 'd');
    series = new FaultSeries(stack, load);
  }, 300_000);

  afterAll(async () => {
    await load?.stop();
    await stack?.stop();
    await runCleanups();
  }, 60_000);

  /** As an orchestrator would: a service that exited on its own during a fault is started again (and the run says so). */
  const superviseExited = async (): Promise<string[]> => {
    const restarted: string[] = [];
    for (const [index, child] of stack.processes().entries()) {
      if (child.isRunning()) continue;
      restarted.push(SERVICE_ORDER[index]);
      await stack.restartService(SERVICE_ORDER[index]);
    }
    return restarted;
  };

  const fault = (name: string, inject: () => Promise<void>) =>
    series.run(name, async () => {
      await inject();
      const restarted = await superviseExited();
      if (restarted.length > 0) process.stdout.write(`${name}: ${restarted.join(', ')} exited during the fault and was restarted\n`);
    });

  it('loses no acknowledged publish, applies every effect once and dead-letters only poison', async () => {
    load.start();
    await waitFor(() => load.acknowledged().length >= 3, { timeoutMs: 60_000, message: 'load running' });

    for (const service of SERVICES) await fault(`SIGKILL ${service}`, () => stack.restartService(service, 'SIGKILL'));

    await fault('NATS restart', async () => {
      await stack.nats?.restart();
    });

    await fault(`PostgreSQL stopped ${POSTGRES_OUTAGE_MS / 1000} s`, async () => {
      await postgres.stop();
      await sleep(POSTGRES_OUTAGE_MS);
      await postgres.restart();
    });

    // Signing frozen (SIGSTOP) with messages in hand while a burst of publishes arrives: from the
    // bus's side a consumer whose handler is slower than its ack wait.
    await fault(`slow consumer: signing frozen ${FROZEN_CONSUMER_MS / 1000} s + burst of ${BURST}`, async () => {
      const signing = stack.processes()[SERVICE_ORDER.indexOf('signing')];
      process.kill(signing.pid, 'SIGSTOP');
      try {
        // The burst is concurrent: each publish waits (briefly) to be visible, which needs a signature.
        await Promise.all([sleep(FROZEN_CONSUMER_MS), ...Array.from({ length: BURST }, () => load.publishOne())]);
      } finally {
        process.kill(signing.pid, 'SIGCONT');
      }
    });

    const poisonIds = await series.poison(POISONED);

    await load.stop();
    await assertAcceptance({ mode: 'distributed', stack, load, windows: series.windows, notApplicable: [], databaseUrl: postgres.url, poisonIds, logLines: () => series.logLines() });
  }, 900_000);
});
