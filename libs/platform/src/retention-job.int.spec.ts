import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { createLogger } from '@palisade/config';
import { MESSAGING_MIGRATIONS } from '@palisade/messaging';
import { openServiceStore } from '@palisade/persistence';
import { createMetricsRegistry } from '@palisade/telemetry';
import { dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { retentionJob } from './retention-job';

const url = testDatabaseUrl;
const schema = `platform_retention_${process.pid}`;
let db: DataSource;

beforeAll(async () => {
  db = await openServiceStore({ url, schema, migrations: [...MESSAGING_MIGRATIONS] });
  await db.query(`CREATE TABLE delivery_log (id serial PRIMARY KEY, at timestamptz NOT NULL)`);
});

afterAll(async () => {
  await db?.destroy();
  await dropSchemas(url, schema);
});

describe('retentionJob', () => {
  it('applies the outbox, inbox and service rules, logs one line per run and counts rows per table', async () => {
    await db.query(
      `INSERT INTO outbox (id, subject, schema_name, headers, data, sent_at) VALUES
         ('a', 's', 'x', '{}', '\\x00', now() - interval '8 days'), ('b', 's', 'x', '{}', '\\x00', now() - interval '9 days'), ('c', 's', 'x', '{}', '\\x00', NULL)`,
    );
    await db.query(`INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', 'm1', now() - interval '31 days'), ('c', 'm2', now())`);
    await db.query(`INSERT INTO delivery_log (at) VALUES (now() - interval '3 days'), (now())`);
    const lines: string[] = [];
    const logger = createLogger({ service: 'scanning', level: 'info', destination: new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }) });
    const metrics = createMetricsRegistry({ service: 'scanning' });
    const job = retentionJob({
      dataSource: db,
      settings: { intervalMs: 3_600_000, batchSize: 1_000, outboxDays: 7, inboxDays: 30 },
      rules: [{ table: 'delivery_log', keepMs: 86_400_000, expired: () => 't.at < $1' }],
      metrics,
      logger,
    });

    await job.runNow();
    await job.stop();

    const runs = lines.map((l) => JSON.parse(l) as { msg: string; retention?: { deleted: Record<string, number> } }).filter((l) => l.retention);
    expect(runs.map((l) => [l.msg, l.retention?.deleted])).toEqual([['retention deleted 4 rows (outbox 2, inbox 1, delivery_log 1)', { outbox: 2, inbox: 1, delivery_log: 1 }]]);
    const counter = await metrics.getSingleMetricAsString('palisade_retention_deleted_rows_total');
    expect(counter).toContain('palisade_retention_deleted_rows_total{table="outbox",service="scanning"} 2');
    expect(counter).toContain('palisade_retention_deleted_rows_total{table="inbox",service="scanning"} 1');
    expect(counter).toContain('palisade_retention_deleted_rows_total{table="delivery_log",service="scanning"} 1');
    expect(await db.query(`SELECT id FROM outbox ORDER BY id`)).toEqual([{ id: 'c' }]);
  });
});
