import { Events, KeyChangeKind, KeyStatus, encodeMessage, timestampFromDate } from '@palisade/contracts';
import type { OutboxEvent } from '@palisade/messaging';
import { KEY_SCHEME, KEY_TYPE } from './key-id';
import type { RegistryKeyState } from './key-ring';
import type { KeyChangeKind as ChangeKind } from '../store/key-ring-store';

const STATUS = { active: KeyStatus.ACTIVE, retired: KeyStatus.RETIRED, revoked: KeyStatus.REVOKED } as const;
const KIND = { created: KeyChangeKind.CREATED, rotated: KeyChangeKind.ROTATED, revoked: KeyChangeKind.REVOKED } as const;

/** `key.changed` with the whole public key set; public halves only, by construction. */
export function keysChangedEvent(sequence: number, kind: ChangeKind, keyid: string, keys: readonly RegistryKeyState[], at: Date): OutboxEvent {
  return {
    subject: Events.keysChanged.subject,
    schema: Events.keysChanged.schema.typeName,
    id: `key-changed:${sequence}`,
    data: encodeMessage(Events.keysChanged.schema, {
      sequence,
      kind: KIND[kind],
      keyid,
      changedAt: timestampFromDate(at),
      keys: keys.map((k) => ({
        keyid: k.keyid,
        keytype: KEY_TYPE,
        scheme: KEY_SCHEME,
        publicKey: k.publicKey,
        status: STATUS[k.status],
        createdAt: timestampFromDate(k.createdAt),
        // A revoked key's expiry is outside Timestamp's range; its status says it all.
        ...(k.expires && k.status !== 'revoked' ? { expires: timestampFromDate(k.expires) } : {}),
        ...(k.retiredAt ? { retiredAt: timestampFromDate(k.retiredAt) } : {}),
        ...(k.revokedAt ? { revokedAt: timestampFromDate(k.revokedAt) } : {}),
      })),
    }),
  };
}
