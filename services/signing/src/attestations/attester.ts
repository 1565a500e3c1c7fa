import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope, versionStatement, type DsseEnvelope } from '@palisade/attestations';
import { quotedSchemaOf } from '@palisade/persistence';
import { KEY_PROVIDER, type KeyProvider } from '../keys/key-provider';
import type { RegistryKeyState } from '../keys/key-ring';
import { KeyRingService } from '../keys/key-ring.service';
import { attestationEntry } from '../log/log-entries';
import { TransparencyLog } from '../log/transparency-log';

export interface AttestationSubject {
  name: string;
  version: string;
  integrity: string;
}

/** An attestation signed but not yet logged (`Attester.prepare`). */
export interface PreparedAttestation {
  subject: AttestationSubject;
  slot: string;
  predicateType: string;
  /** The key that signed the envelope; it signs the log checkpoint of the receipt too. */
  key: RegistryKeyState;
  envelope: DsseEnvelope;
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
    const prepared = await this.prepare(tx, request);
    if (!prepared) return false;
    await this.record(tx, prepared);
    return true;
  }

  /**
   * The signed envelope of an attestation not made yet (null when the slot was attested before),
   * without touching the log: a caller that also appends something else signs first, so the log
   * lock is held only for the appends.
   */
  async prepare<P>(tx: EntityManager, request: AttestationRequest<P>): Promise<PreparedAttestation | null> {
    const s = quotedSchemaOf(tx.connection);
    const { name, version, integrity } = request.subject;
    const existing: unknown[] = await tx.query(`SELECT 1 FROM ${s}.attestations WHERE name = $1 AND version = $2 AND slot = $3`, [name, version, request.slot]);
    if (existing.length > 0) return null;
    const statement = versionStatement(name, version, integrity, request.predicateType, request.predicate);
    return this.keyRing.withActiveKey(tx, async (key) => {
      const payload = Buffer.from(JSON.stringify(statement), 'utf8');
      const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, key.keyid, (data) => this.provider.sign(key.keyid, data));
      return { subject: request.subject, slot: request.slot, predicateType: request.predicateType, key, envelope };
    });
  }

  /** Appends a prepared attestation to the log and stores it with its inclusion receipt. */
  async record(tx: EntityManager, prepared: PreparedAttestation): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    const { name, version, integrity } = prepared.subject;
    await this.log.appendWithReceipt(tx, 'attestation', attestationEntry(prepared.envelope), prepared.key, (index, receipt, first) => ({
      sql: `INSERT INTO ${s}.attestations (name, version, slot, integrity, predicate_type, envelope, log_index, log_entry)
            VALUES (${Array.from({ length: 8 }, (_, i) => `$${first + i}`).join(', ')})`,
      params: [name, version, prepared.slot, integrity, prepared.predicateType, JSON.stringify(prepared.envelope), index, JSON.stringify(receipt)],
    }));
  }
}
