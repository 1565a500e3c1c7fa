import { createPublicKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { LOG_KEY_NAME, LOG_ORIGIN } from '@palisade/attestations';
import { quotedSchemaOf } from '@palisade/persistence';
import { DATA_SOURCE } from '@palisade/platform';
import { MerkleTree, leafHash, signCheckpoint, type CheckpointSigner } from '@palisade/transparency-log';
import { KEY_PROVIDER, type KeyProvider } from '../keys/key-provider';
import type { RegistryKeyState } from '../keys/key-ring';
import { KeyRingService } from '../keys/key-ring.service';
import { SigningError } from '../signing-error';
import type { LogEntryKind } from './log-entries';

/** Serialises appends: leaf indexes are positions in the tree, so they must be gapless. */
const LOG_LOCK = `hashtext('palisade.signing.transparency-log')`;

export interface StoredLeaf {
  index: number;
  kind: LogEntryKind;
  entry: Buffer;
  leafHash: Buffer;
}

/**
 * Palisade's transparency log in the signing schema. Appends join the caller's transaction, so a
 * signature or attestation and its leaf commit together. Tree heads are computed from the stored
 * leaf hashes on demand (all of them are loaded: fine at registry sizes for now) and signed with
 * the active registry key as `palisade` checkpoints.
 */
@Injectable()
export class TransparencyLog {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(KEY_PROVIDER) private readonly provider: KeyProvider,
    private readonly keyRing: KeyRingService,
  ) {}

  /** Appends one leaf in `tx` and answers its index; the lock is held until `tx` ends. */
  async append(tx: EntityManager, kind: LogEntryKind, entry: Buffer): Promise<number> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`SELECT pg_advisory_xact_lock(${LOG_LOCK})`);
    const rows: Array<{ next: string }> = await tx.query(`SELECT coalesce(max(leaf_index) + 1, 0) AS next FROM ${s}.log_leaves`);
    const index = Number(rows[0].next);
    await tx.query(`INSERT INTO ${s}.log_leaves (leaf_index, leaf_hash, entry, kind) VALUES ($1, $2, $3, $4)`, [index, leafHash(entry), entry, kind]);
    return index;
  }

  /** The tree of every leaf `manager` can see (inside an appending transaction: its own too). */
  async tree(manager: EntityManager = this.dataSource.manager): Promise<MerkleTree> {
    const s = quotedSchemaOf(manager.connection);
    const rows: Array<{ leaf_hash: Buffer }> = await manager.query(`SELECT leaf_hash FROM ${s}.log_leaves ORDER BY leaf_index`);
    return new MerkleTree(rows.map((r) => r.leaf_hash));
  }

  /** The signed checkpoint of `tree` at `treeSize`, by `key`; a head signed before is reused. */
  async checkpointAt(tx: EntityManager, tree: MerkleTree, treeSize: number, key: RegistryKeyState): Promise<string> {
    const s = quotedSchemaOf(tx.connection);
    const root = tree.root(treeSize);
    const known: Array<{ note: string }> = await tx.query(`SELECT note FROM ${s}.log_checkpoints WHERE tree_size = $1 AND root_hash = $2 AND keyid = $3`, [
      treeSize,
      root,
      key.keyid,
    ]);
    if (known.length > 0) return known[0].note;
    const note = await signCheckpoint({ origin: LOG_ORIGIN, treeSize, rootHash: root.toString('base64') }, this.signerFor(key));
    await tx.query(`INSERT INTO ${s}.log_checkpoints (tree_size, root_hash, keyid, note) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      treeSize,
      root,
      key.keyid,
      note,
    ]);
    return note;
  }

  /** The checkpoint of the log as stored now, signed by the active key. */
  async latestCheckpoint(): Promise<string> {
    return this.dataSource.transaction((tx) =>
      this.keyRing.withActiveKey(tx, async (key) => {
        const tree = await this.tree(tx);
        return this.checkpointAt(tx, tree, tree.size, key);
      }),
    );
  }

  /** RFC 9162 consistency proof from size `from` to size `to` of the stored log. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    const tree = await this.tree();
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to && to <= tree.size)) {
      throw new SigningError('SIGNING_LOG_RANGE', `sizes must satisfy 0 <= from <= to <= ${tree.size} (got from=${from}, to=${to})`);
    }
    return tree.consistencyProof(from, to);
  }

  async leaf(index: number): Promise<StoredLeaf> {
    const s = quotedSchemaOf(this.dataSource);
    const rows: Array<{ kind: LogEntryKind; entry: Buffer; leaf_hash: Buffer }> = await this.dataSource.query(
      `SELECT kind, entry, leaf_hash FROM ${s}.log_leaves WHERE leaf_index = $1`,
      [index],
    );
    if (rows.length === 0) throw new SigningError('SIGNING_LOG_RANGE', `the log has no entry ${index}`);
    return { index, kind: rows[0].kind, entry: rows[0].entry, leafHash: rows[0].leaf_hash };
  }

  private signerFor(key: RegistryKeyState): CheckpointSigner {
    return {
      keyName: LOG_KEY_NAME,
      publicKey: createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' }),
      sign: (message) => this.provider.sign(key.keyid, message),
    };
  }
}
