import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AlertEvent, STREAMS, type AlertCloudEvent } from '@palisade/contracts';
import type { Stack } from './stack';

/** An alert as a subscriber reads it: the NATS subject and the parsed CloudEvent (`event.data` is the alert). */
export interface SeenAlert {
  subject: string;
  event: AlertCloudEvent;
}

/**
 * Every alert the stack raised so far, as a security team's subscriber sees it: read from the
 * ALERTS stream on the stack's NATS (distributed), or from the embedded bus's log (embedded).
 */
export async function readAlerts(stack: Stack): Promise<SeenAlert[]> {
  return 'natsUrl' in stack.bus ? fromNats(stack.bus.natsUrl) : fromEmbeddedBus(stack.bus.embeddedDatabaseUrl);
}

async function fromNats(url: string): Promise<SeenAlert[]> {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    const count = (await (await jetstreamManager(nc)).streams.info(STREAMS.ALERTS.name)).state.messages;
    if (count === 0) return [];
    const consumer = await js.consumers.get(STREAMS.ALERTS.name);
    const seen: SeenAlert[] = [];
    const messages = await consumer.fetch({ max_messages: count, expires: 2_000 });
    for await (const m of messages) {
      seen.push({ subject: m.subject, event: AlertEvent.parse(m.data) });
      if (seen.length >= count) break;
    }
    return seen;
  } finally {
    await nc.close();
  }
}

async function fromEmbeddedBus(url: string): Promise<SeenAlert[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<{ subject: string; data: Buffer }>(`SELECT subject, data FROM palisade_bus.message WHERE stream = 'ALERTS' ORDER BY seq`);
    return rows.rows.map((r) => ({ subject: r.subject, event: AlertEvent.parse(r.data) }));
  } finally {
    await client.end();
  }
}
