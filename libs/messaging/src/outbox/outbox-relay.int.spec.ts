import type { DataSource } from 'typeorm';
import { Client } from 'pg';
import { openServiceStore } from '@palisade/persistence';
import { dropSchemas, testDatabaseUrl, waitFor } from '@palisade/testing';
import type { MessageBus } from '../bus';
import type { OutgoingMessage, PublishResult } from '../message';
import { MESSAGING_MIGRATIONS } from './messaging-tables.migration';
import { addToOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

const url = testDatabaseUrl;
const schema = `outbox_relay_${process.pid}`;
let db: DataSource;

/** A bus whose publish waits until the test lets it go: a slow or stalled broker. */
function slowBus() {
  const published: OutgoingMessage[] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  const bus = {
    publish: async (message: OutgoingMessage): Promise<PublishResult> => {
      published.push(message);
      await gate;
      return { duplicate: false };
    },
  } as unknown as MessageBus;
  return {
    bus,
    published,
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

async function produce(name: string): Promise<string> {
  return db.transaction((tx) => addToOutbox(tx, { subject: 'relay.version.ingested', schema: 'palisade.v1.VersionIngested', data: new TextEncoder().encode(name) }));
}

beforeAll(async () => {
  db = await openServiceStore({ url, schema, migrations: [...MESSAGING_MIGRATIONS] });
});

afterAll(async () => {
  await db.destroy();
  await dropSchemas(url, schema);
});

describe('OutboxRelay with a slow bus', () => {
  it('holds no lock or transaction while it publishes: writers go on, and a second relay leaves the claimed rows alone', async () => {
    const first = await produce('slow@1.0.0');
    const slow = slowBus();
    const relay = new OutboxRelay(db, slow.bus);
    const flushing = relay.flush();
    await waitFor(() => slow.published.length === 1, { message: 'publish started' });

    const writer = new Client({ connectionString: url });
    await writer.connect();
    try {
      // A writer that touches the very row being published must not wait for the bus.
      await writer.query(`SET lock_timeout = '2s'`);
      await writer.query('BEGIN');
      await writer.query(`UPDATE "${schema}".outbox SET last_error = 'touched' WHERE id = $1`, [first]);
      await writer.query(`INSERT INTO "${schema}".outbox (id, subject, schema_name, headers, data) VALUES ('written-meanwhile', 'relay.x', 's', '{}', '\\x00')`);
      await writer.query('COMMIT');
      const open = await writer.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()
            AND query ILIKE '%${schema}%'`,
      );
      expect(open.rows[0].n).toBe(0);
    } finally {
      await writer.end();
    }

    // Another relay replica skips the row the first one has claimed, but takes the new one.
    const other = slowBus();
    other.open();
    expect(await new OutboxRelay(db, other.bus).flush()).toBe(1);
    expect(other.published.map((m) => m.id)).toEqual(['written-meanwhile']);

    slow.open();
    expect(await flushing).toBe(1);
    const [row] = await db.query(`SELECT sent_at, claimed_by, claimed_until FROM "${schema}".outbox WHERE id = $1`, [first]);
    expect(row.sent_at).not.toBeNull();
    expect(row).toMatchObject({ claimed_by: null, claimed_until: null });
  });

  it('gives unsent rows back when a publish fails, so they go out in order next time', async () => {
    const a = await produce('order@1.0.0');
    const b = await produce('order@1.0.1');
    let fail = true;
    const seen: string[] = [];
    const bus = {
      publish: async (message: OutgoingMessage): Promise<PublishResult> => {
        seen.push(message.id);
        if (fail) throw new Error('bus down');
        return { duplicate: false };
      },
    } as unknown as MessageBus;
    const relay = new OutboxRelay(db, bus);
    await expect(relay.flush()).rejects.toThrow('bus down');
    const claimed = await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE claimed_by IS NOT NULL`);
    expect(claimed).toEqual([{ n: 0 }]);
    fail = false;
    seen.length = 0;
    expect(await relay.flush()).toBe(2);
    expect(seen).toEqual([a, b]);
  });
});
