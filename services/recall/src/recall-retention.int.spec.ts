import type { DataSource } from 'typeorm';
import { loadConfig } from '@palisade/config';
import { openServiceStore, runRetention } from '@palisade/persistence';
import { dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { recallConfig } from './recall.config';
import { recallRetentionRules } from './recall-retention';
import { recallService } from './recall.service';

const url = testDatabaseUrl;
const schema = `recall_retention_${process.pid}`;
let db: DataSource;

const count = async (sql: string): Promise<number> => ((await db.query(`SELECT count(*)::int AS n FROM ${sql}`)) as Array<{ n: number }>)[0].n;

async function download(name: string, version: string, principal: string, lastSeenDaysAgo: number): Promise<void> {
  await db.query(
    `INSERT INTO download (name, version, view, principal, token_id, user_agent, count, first_seen_at, last_seen_at)
     VALUES ($1, $2, 'prod', $3, 'tok', 'npm/10', 1, now() - $4 * interval '1 day', now() - $4 * interval '1 day')`,
    [name, version, principal, lastSeenDaysAgo],
  );
}

/** An alert received `daysAgo`, with one webhook delivery in `status` (if any) and its attempts. */
async function alert(id: string, daysAgo: number, status?: 'pending' | 'delivered' | 'failed', attempts = 0): Promise<void> {
  const [{ seq }] = (await db.query(
    `INSERT INTO alert_log (message_id, event_id, subject, cloudevent, received_at) VALUES ($1, $1, 'alerts.ops.high.dead-letter', '{}', now() - $2 * interval '1 day') RETURNING seq`,
    [id, daysAgo],
  )) as Array<{ seq: string }>;
  if (!status) return;
  const [{ id: delivery }] = (await db.query(`INSERT INTO alert_deliveries (alert_seq, webhook_url, status, attempts) VALUES ($1, 'https://hooks.internal/x', $2, $3) RETURNING id`, [
    seq,
    status,
    attempts,
  ])) as Array<{ id: string }>;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    await db.query(`INSERT INTO alert_delivery_attempts (delivery_id, attempt, status_code, duration_ms, attempted_at) VALUES ($1, $2, 500, 12, now() - $3 * interval '1 day')`, [delivery, attempt, daysAgo]);
  }
}

beforeAll(async () => {
  db = await openServiceStore({ url, schema, migrations: [...(recallService.migrations ?? [])] });
});

afterAll(async () => {
  await db?.destroy();
  await dropSchemas(url, schema);
});

describe('recall retention (defaults: downloads 400 days, alerts 90 days)', () => {
  const rules = recallRetentionRules(loadConfig(recallConfig, {}));

  it('deletes downloads not seen for 400 days, except those of versions a case names, and leaves cases and timelines alone', async () => {
    await download('@acme/old', '1.0.0', 'alice', 401);
    await download('@acme/old', '1.0.0', 'bob', 399);
    await download('@acme/recalled', '2.0.0', 'carol', 2000);
    await db.query(
      `INSERT INTO recall_case (id, name, trigger, severity, reason, opened_by, opened_at, status, closed_at)
       VALUES ('RC-OLD', '@acme/recalled', 'manual', 3, 'malware', 'admin', now() - interval '6 years', 'closed', now() - interval '6 years')`,
    );
    await db.query(`INSERT INTO affected_version (recall_id, name, version, added_at) VALUES ('RC-OLD', '@acme/recalled', '2.0.0', now() - interval '6 years')`);
    await db.query(`INSERT INTO timeline (recall_id, at, kind, actor) VALUES ('RC-OLD', now() - interval '6 years', 'opened', 'admin'), ('RC-OLD', now() - interval '6 years', 'closed', 'admin')`);

    const report = await runRetention(db, rules);

    expect(report.deleted.download).toBe(1);
    expect(await db.query(`SELECT name, principal FROM download ORDER BY principal`)).toEqual([
      { name: '@acme/old', principal: 'bob' },
      { name: '@acme/recalled', principal: 'carol' },
    ]);
    expect([await count('recall_case'), await count('affected_version'), await count('timeline')]).toEqual([1, 1, 2]);
  });

  it('deletes alerts older than 90 days with their finished deliveries and attempts, and keeps pending deliveries and recent alerts', async () => {
    await alert('old-delivered', 120, 'delivered', 2);
    await alert('old-failed', 120, 'failed', 3);
    await alert('old-no-webhook', 120);
    await alert('old-pending', 120, 'pending', 1);
    await alert('recent-delivered', 30, 'delivered', 1);

    const report = await runRetention(db, rules, { batchSize: 1 });

    expect(report.deleted).toMatchObject({ alert_delivery_attempts: 5, alert_deliveries: 2, alert_log: 3 });
    expect(await db.query(`SELECT message_id FROM alert_log ORDER BY message_id`)).toEqual([{ message_id: 'old-pending' }, { message_id: 'recent-delivered' }]);
    expect([await count('alert_deliveries'), await count('alert_delivery_attempts')]).toEqual([2, 2]);
  });
});
