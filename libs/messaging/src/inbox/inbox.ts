import type { DataSource, EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { DeliveredMessage } from '../message';

export type InboxOutcome = 'applied' | 'duplicate';

/**
 * Applies a message's effect at most once per consumer: the message id is recorded in the same
 * transaction as the effect, so a redelivery after a crash, a relay republish or a broker restart
 * finds the id and changes nothing. If the effect throws, the id is not recorded either.
 */
export async function applyOnce(
  dataSource: DataSource,
  consumer: string,
  message: Pick<DeliveredMessage, 'id'>,
  effect: (tx: EntityManager) => Promise<void>,
): Promise<InboxOutcome> {
  const schema = quotedSchemaOf(dataSource);
  return dataSource.transaction(async (tx) => {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO ${schema}.inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING message_id`,
      [consumer, message.id],
    );
    if (inserted.length === 0) return 'duplicate';
    await effect(tx);
    return 'applied';
  });
}
