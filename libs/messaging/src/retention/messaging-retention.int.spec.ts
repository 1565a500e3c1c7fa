import type { DataSource } from 'typeorm';
import { openServiceStore, retentionLockName, runRetention } from '@palisade/persistence';
import { dropSchemas, testDatabaseUrl, waitFor } from '@palisade/testing';
import { MESSAGING_MIGRATIONS } from '../outbox/messaging-tables.migration';
import { messagingRetentionRules } from './messaging-retention';

const url = testDatabaseUrl;
const schema = `retention_test_${process.pid}`;
const DAY = 86_400_000;
const rules = messagingRetentionRules({ outboxKeepMs: 7 * DAY, inboxKeepMs: 30 * DAY });

let db: DataSource;

async function addOutbox(prefix: string, count: number, createdDaysAgo: number, sentDaysAgo: number | null): Promise<void> {
  await db.query(
    `INSERT INTO outbox (id, subject, schema_name, headers, data, created_at, sent_at)
     SELECT $1 || i, 'registry.evt.version.ingested', 'x', '{}', '\\x00', now() - $2 * interval '1 day', CASE WHEN $3::int IS NULL THEN NULL ELSE now() - $3 * interval '1 day' END
       FROM generate_series(1, $4) i`,
    [prefix, createdDaysAgo, sentDaysAgo, count],
  );
}

async function addInbox(prefix: string, count: number, daysAgo: number): Promise<void> {
  await db.query(`INSERT INTO inbox (consumer, message_id, processed_at) SELECT 'c', $1 || i, now() - $2 * interval '1 day' FROM generate_series(1, $3) i`, [prefix, daysAgo, count]);
}

const ids = async (table: 'outbox' | 'inbox', column: 'id' | 'message_id', prefix: string): Promise<number> =>
  ((await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} LIKE $1 || '%'`, [prefix])) as Array<{ n: number }>)[0].n;

/** Until some session of this test waits on a row lock (the blocked retention DELETE). */
async function waitForLockWait(): Promise<void> {
  await waitFor(async () => {
    const rows: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM "${schema}".inbox%'`,
    );
    return rows[0].n > 0;
  }, { timeoutMs: 30_000, message: 'the retention DELETE never waited on the held row' });
}

beforeAll(async () => {
  db = await openServiceStore({ url, schema, migrations: [...MESSAGING_MIGRATIONS] });
});

beforeEach(async () => {
  await db.query('TRUNCATE outbox, inbox');
});

afterAll(async () => {
  await db?.destroy();
  await dropSchemas(url, schema);
});

describe('messaging retention on PostgreSQL', () => {
  it('deletes sent outbox rows older than the retention and never an unsent row, however old', async () => {
    await addOutbox('sent-old-', 5, 20, 10);
    await addOutbox('sent-new-', 3, 20, 2);
    await addOutbox('unsent-ancient-', 4, 3650, null);

    const report = await runRetention(db, rules);

    expect(report).toEqual({ ran: true, deleted: { outbox: 5, inbox: 0 } });
    expect([await ids('outbox', 'id', 'sent-old-'), await ids('outbox', 'id', 'sent-new-'), await ids('outbox', 'id', 'unsent-ancient-')]).toEqual([0, 3, 4]);
  });

  it('keeps inbox ids younger than the retention', async () => {
    await addInbox('old-', 6, 31);
    await addInbox('young-', 4, 29);

    expect((await runRetention(db, rules)).deleted).toEqual({ outbox: 0, inbox: 6 });
    expect([await ids('inbox', 'message_id', 'old-'), await ids('inbox', 'message_id', 'young-')]).toEqual([0, 4]);
  });

  it('deletes in batches no larger than the batch size, until nothing is left', async () => {
    await addInbox('old-', 250, 40);
    const batches: number[] = [];

    const report = await runRetention(db, rules, { batchSize: 100, onDeleted: (_table, rows) => batches.push(rows) });

    expect(batches).toEqual([100, 100, 50]);
    expect(report.deleted.inbox).toBe(250);
    expect(await ids('inbox', 'message_id', 'old-')).toBe(0);
  });

  it('keeps everything when the retention is forever', async () => {
    await addOutbox('sent-old-', 2, 900, 800);
    await addInbox('old-', 2, 900);
    expect(await runRetention(db, messagingRetentionRules({ outboxKeepMs: undefined, inboxKeepMs: undefined }))).toEqual({ ran: true, deleted: {} });
    expect([await ids('outbox', 'id', 'sent-old-'), await ids('inbox', 'message_id', 'old-')]).toEqual([2, 2]);
  });

  it('stops between batches when its signal aborts', async () => {
    await addInbox('old-', 30, 40);
    const abort = new AbortController();
    const report = await runRetention(db, rules, { batchSize: 10, signal: abort.signal, onDeleted: () => abort.abort() });
    expect(report.deleted.inbox).toBe(10);
    expect(await ids('inbox', 'message_id', 'old-')).toBe(20);
  });

  it('runs one at a time: a runner finding the lock held does nothing, two at once delete each row once', async () => {
    await addInbox('old-', 500, 40);
    const holder = db.createQueryRunner();
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [retentionLockName(`"${schema}"`)]);
      expect(await runRetention(db, rules)).toEqual({ ran: false, deleted: {} });
      expect(await ids('inbox', 'message_id', 'old-')).toBe(500);
    } finally {
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [retentionLockName(`"${schema}"`)]);
      await holder.release();
    }

    // Runner A blocks on a row another transaction holds, mid-run; B, started meanwhile, stands aside.
    const blocker = db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`SELECT 1 FROM inbox WHERE message_id = 'old-1' FOR UPDATE`);
    const first = runRetention(db, rules, { batchSize: 1000 });
    await waitForLockWait();
    expect(await runRetention(db, rules)).toEqual({ ran: false, deleted: {} });
    await blocker.rollbackTransaction();
    await blocker.release();
    expect(await first).toEqual({ ran: true, deleted: { outbox: 0, inbox: 500 } });

    await addInbox('again-', 500, 40);
    const [a, b] = await Promise.all([runRetention(db, rules, { batchSize: 100 }), runRetention(db, rules, { batchSize: 100 })]);
    expect([a, b].some((r) => r.ran)).toBe(true);
    expect((a.deleted.inbox ?? 0) + (b.deleted.inbox ?? 0)).toBe(500);
    expect(await ids('inbox', 'message_id', 'again-')).toBe(0);
  });
});
