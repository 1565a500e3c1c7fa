import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Events, encodeMessage, timestampFromDate } from '@palisade/contracts';
import { addToOutbox } from '@palisade/messaging';
import { quotedSchemaOf } from '@palisade/persistence';
import { KEY_PROVIDER, type KeyProvider } from '../keys/key-provider';
import { KeyRingService } from '../keys/key-ring.service';
import { registrySignatureEntry } from '../log/log-entries';
import { TransparencyLog } from '../log/transparency-log';
import { signedMessage } from './signed-message';

export interface VersionToSign {
  name: string;
  version: string;
  integrity: string;
  /** `time[version]` as the gateway serves it; a key's expiry is judged against it. */
  publishedAt: Date;
  /** For a version read through from an upstream: the upstream key whose signature ingest verified. */
  upstreamKeyid?: string;
}

export interface VersionSignature {
  keyid: string;
  sig: string;
}

/**
 * Signs a version's bytes once. A version already signed keeps its signature through rotations:
 * re-signing would only make installs made before a rotation look different after it.
 */
@Injectable()
export class VersionSigner {
  constructor(
    private readonly keyRing: KeyRingService,
    @Inject(KEY_PROVIDER) private readonly provider: KeyProvider,
    private readonly log: TransparencyLog,
  ) {}

  /** The new signature, or null when these bytes were signed before. Emits `version.signed` and logs the signature. */
  async sign(tx: EntityManager, version: VersionToSign): Promise<VersionSignature | null> {
    const s = quotedSchemaOf(tx.connection);
    const message = signedMessage(version.name, version.version, version.integrity);
    return this.keyRing.withActiveKey(tx, async (key) => {
      const existing: unknown[] = await tx.query(`SELECT 1 FROM ${s}.signatures WHERE name = $1 AND version = $2 AND integrity = $3`, [
        version.name,
        version.version,
        version.integrity,
      ]);
      if (existing.length > 0) return null;
      const sig = (await this.provider.sign(key.keyid, Buffer.from(message, 'utf8'))).toString('base64');
      const signedAt = new Date();
      await tx.query(
        `INSERT INTO ${s}.signatures (name, version, integrity, keyid, sig, published_at, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [version.name, version.version, version.integrity, key.keyid, sig, version.publishedAt, signedAt],
      );
      // The event before the log append: appends serialise, and the lock is held until commit.
      await addToOutbox(tx, {
        subject: Events.versionSigned.subject,
        schema: Events.versionSigned.schema.typeName,
        id: `version-signed:${version.name}@${version.version}:${key.keyid}`,
        data: encodeMessage(Events.versionSigned.schema, {
          name: version.name,
          version: version.version,
          integrity: version.integrity,
          signature: { keyid: key.keyid, sig },
          upstreamKeyid: version.upstreamKeyid ?? '',
          signedAt: timestampFromDate(signedAt),
        }),
      });
      await this.log.append(tx, 'registry-signature', registrySignatureEntry({ ...version, keyid: key.keyid, sig }));
      return { keyid: key.keyid, sig };
    });
  }
}
