import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope, versionStatement } from '@palisade/attestations';
import { quotedSchemaOf } from '@palisade/persistence';
import { KEY_PROVIDER, type KeyProvider } from '../keys/key-provider';
import { KeyRingService } from '../keys/key-ring.service';
import { attestationEntry } from '../log/log-entries';
import { TransparencyLog } from '../log/transparency-log';

export interface AttestationSubject {
  name: string;
  version: string;
  integrity: string;
}

export interface AttestationRequest<P> {
  subject: AttestationSubject;
  /** One attestation per version and slot (`publish`, `admission:<view>`); a second request is a no-op. */
  slot: string;
  predicateType: string;
  predicate: P;
}

/**
 * Makes Palisade's attestations: an in-toto statement about the version's tarball, in a DSSE
 * envelope signed by the active registry key, appended to the log and stored with its inclusion
 * receipt for the tree size right after its own leaf, all in the caller's transaction.
 */
@Injectable()
export class Attester {
  constructor(
    private readonly keyRing: KeyRingService,
    private readonly log: TransparencyLog,
    @Inject(KEY_PROVIDER) private readonly provider: KeyProvider,
  ) {}

  /** Answers false when this slot was attested before. */
  async attest<P>(tx: EntityManager, request: AttestationRequest<P>): Promise<boolean> {
    const s = quotedSchemaOf(tx.connection);
    const { name, version, integrity } = request.subject;
    const existing: unknown[] = await tx.query(`SELECT 1 FROM ${s}.attestations WHERE name = $1 AND version = $2 AND slot = $3`, [name, version, request.slot]);
    if (existing.length > 0) return false;
    const statement = versionStatement(name, version, integrity, request.predicateType, request.predicate);
    return this.keyRing.withActiveKey(tx, async (key) => {
      const payload = Buffer.from(JSON.stringify(statement), 'utf8');
      const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, key.keyid, (data) => this.provider.sign(key.keyid, data));
      const index = await this.log.append(tx, 'attestation', attestationEntry(envelope));
      const receipt = await this.log.receipt(tx, index, key);
      await tx.query(
        `INSERT INTO ${s}.attestations (name, version, slot, integrity, predicate_type, envelope, log_index, log_entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [name, version, request.slot, integrity, request.predicateType, JSON.stringify(envelope), index, JSON.stringify(receipt)],
      );
      return true;
    });
  }
}
