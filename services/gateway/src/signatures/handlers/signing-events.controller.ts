import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Events, KeyStatus, decodeMessage, timestampDate } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { PackageChanges } from '../../packages/cache/package-changes';
import { SignatureStore, type PublicRegistryKey } from '../store/signature-store';

/** Feeds signatures and registry keys from the signing service's events. */
@Controller()
export class SigningEventsController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly store: SignatureStore,
    private readonly changes: PackageChanges,
  ) {}

  @EventPattern(Events.versionSigned.subject)
  async onSigned(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.versionSigned.schema, message.data);
    const signature = event.signature;
    if (!event.name || !event.version || !event.integrity || !signature?.keyid || !signature.sig) {
      throw new PermanentError('GATEWAY_EVENT_INVALID', `version.signed needs name, version, integrity and a signature (got ${event.name}@${event.version})`);
    }
    const received = {
      name: event.name,
      version: event.version,
      integrity: event.integrity,
      keyid: signature.keyid,
      sig: signature.sig,
      signedAt: event.signedAt ? timestampDate(event.signedAt) : new Date(),
    };
    await applyOnce(this.dataSource, 'gateway.version-signed', message, (tx) => this.store.applySigned(tx, received));
    this.changes.changed(event.name);
  }

  @EventPattern(Events.keysChanged.subject)
  async onKeysChanged(@Payload() message: DeliveredMessage): Promise<void> {
    const event = decodeMessage(Events.keysChanged.schema, message.data);
    const keys: PublicRegistryKey[] = event.keys.map((k) => {
      if (!k.keyid || !k.publicKey || !k.keytype || !k.scheme) throw new PermanentError('GATEWAY_EVENT_INVALID', `key.changed #${event.sequence}: a key lacks its id, type or material`);
      const revoked = k.status === KeyStatus.REVOKED;
      return { keyid: k.keyid, keytype: k.keytype, scheme: k.scheme, key: k.publicKey, expires: k.expires && !revoked ? timestampDate(k.expires) : null, revoked };
    });
    await applyOnce(this.dataSource, 'gateway.key-changed', message, async (tx) => {
      await this.store.applyKeys(tx, event.sequence, keys);
    });
  }
}
