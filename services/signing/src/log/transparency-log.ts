import { createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { LOG_KEY_NAME, LOG_ORIGIN } from '@palisade/attestations';
import { quotedSchemaOf } from '@palisade/persistence';
import { DATA_SOURCE } from '@palisade/platform';
import {
  NodeTree,
  createInclusionReceipt,
  leafHash,
  nodesCompletedBy,
  signCheckpoint,
  treeNodes,
  type CheckpointSigner,
  type InclusionReceipt,
  type NodeKey,
  type TreeNode,
} from '@palisade/transparency-log';
import { KEY_PROVIDER, type KeyProvider } from '../keys/key-provider';
import type { RegistryKeyState } from '../keys/key-ring';
import { KeyRingService } from '../keys/key-ring.service';
import { SigningError } from '../signing-error';
import type { LogEntryKind } from './log-entries';

/** Parameters $1–$4: index, leaf hash, entry, kind. */
const insertLeaf = (s: string) => `INSERT INTO ${s}.log_leaves (leaf_index, leaf_hash, entry, kind) VALUES ($1, $2, $3, $4)`;
/** Parameters $5–$7: levels, indexes, hashes. */
const insertNodes = (s: string) => `INSERT INTO ${s}.log_nodes (level, idx, hash) SELECT * FROM unnest($5::smallint[], $6::bigint[], $7::bytea[])`;
/** Parameters $8–$9: the head's frontier levels and hashes after the leaf (its size is $1 + 1). */
const moveHead = (s: string) => `UPDATE ${s}.log_head SET size = $1 + 1, levels = $8::smallint[], hashes = $9::bytea[] WHERE only_row`;

function nodeColumns(nodes: readonly TreeNode[]): [number[], string[], Buffer[]] {
  return [nodes.map((n) => n.level), nodes.map((n) => String(n.index)), nodes.map((n) => n.hash)];
}

/** A head's frontier as the head row keeps it: levels and hashes (indexes follow from the size). */
function frontierColumns(frontier: readonly TreeNode[]): [number[], Buffer[]] {
  return [frontier.map((n) => n.level), frontier.map((n) => n.hash)];
}

/**
 * A row written in the append's own statement, which knows the leaf's index and receipt (the log
 * lock is held until commit: a statement saved is one every other append stops waiting for). Its
 * placeholders start at `first`.
 */
export type RowAlongside = (index: number, receipt: InclusionReceipt, first: number) => { sql: string; params: unknown[] };

export interface StoredLeaf {
  index: number;
  kind: LogEntryKind;
  entry: Buffer;
  leafHash: Buffer;
}

/** What `audit` found comparing the stored nodes with the ones the stored leaves make. */
export interface LogAudit {
  size: number;
  /** Nodes the leaves make whose stored hash differs or is missing, bottom-up: a leaf rewritten after its nodes were written. */
  mismatched: NodeKey[];
  /** Stored nodes no complete subtree of the leaves accounts for. */
  unexpected: NodeKey[];
}

/**
 * Palisade's transparency log in the signing schema. Appends join the caller's transaction, so a
 * signature or attestation and its leaf commit together, with the perfect subtrees the leaf
 * completes (`log_nodes`). Roots, audit paths and consistency proofs read only the O(log n) nodes
 * they need, in one query; tree heads are signed with the active registry key as `palisade`
 * checkpoints. `audit` rebuilds every node from the leaves, for an offline check of the tables.
 */
@Injectable()
export class TransparencyLog {
  /**
   * Per appending transaction, the log after its last append: the lock is held until the
   * transaction ends, so a second append in it (a signature, then an attestation) needs neither
   * the lock nor the frontier again.
   */
  private readonly heads = new WeakMap<EntityManager, { size: number; frontier: TreeNode[] }>();
  /** Parsed public keys by their base64 DER: a checkpoint is signed on every append. */
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(KEY_PROVIDER) private readonly provider: KeyProvider,
    private readonly keyRing: KeyRingService,
  ) {}

  /** Appends one leaf and its completed nodes in `tx` and answers its index; the lock is held until `tx` ends. */
  async append(tx: EntityManager, kind: LogEntryKind, entry: Buffer): Promise<number> {
    const { index, hash, completed, next } = await this.nextLeaf(tx, entry);
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`WITH leaf AS (${insertLeaf(s)}), head AS (${moveHead(s)}) ${insertNodes(s)}`, [index, hash, entry, kind, ...nodeColumns(completed), ...frontierColumns(next)]);
    return index;
  }

  /**
   * `append` and `receipt` in one: the receipt's tree head is the one this leaf makes, so its nodes
   * are the frontier `append` reads anyway and the ones it completes. The leaf, its nodes and the
   * signed checkpoint are written in one statement: appends are serialised, so every round trip
   * saved here is one every other append stops waiting for.
   */
  async appendWithReceipt(
    tx: EntityManager,
    kind: LogEntryKind,
    entry: Buffer,
    key: RegistryKeyState,
    alongside?: RowAlongside,
  ): Promise<{ index: number; receipt: InclusionReceipt }> {
    const { index, hash, completed, frontier, next } = await this.nextLeaf(tx, entry);
    const treeSize = index + 1;
    const tree = new NodeTree(treeSize, [...frontier, ...completed]);
    const root = tree.root();
    const note = await signCheckpoint({ origin: LOG_ORIGIN, treeSize, rootHash: root.toString('base64') }, this.signerFor(key));
    const receipt = createInclusionReceipt(tree, index, note);
    const s = quotedSchemaOf(tx.connection);
    const row = alongside?.(index, receipt, 13);
    await tx.query(
      `WITH leaf AS (${insertLeaf(s)}), nodes AS (${insertNodes(s)}), head AS (${moveHead(s)})${row ? `, alongside AS (${row.sql})` : ''}
       INSERT INTO ${s}.log_checkpoints (tree_size, root_hash, keyid, note) VALUES ($1 + 1, $10, $11, $12) ON CONFLICT DO NOTHING`,
      [index, hash, entry, kind, ...nodeColumns(completed), ...frontierColumns(next), root, key.keyid, note, ...(row?.params ?? [])],
    );
    return { index, receipt };
  }

  /**
   * The next leaf's index and the nodes it completes (their left siblings are frontier nodes: the
   * perfect subtrees that make up the tree, one per set bit of its size).
   */
  private async nextLeaf(tx: EntityManager, entry: Buffer): Promise<{ index: number; hash: Buffer; completed: TreeNode[]; frontier: TreeNode[]; next: TreeNode[] }> {
    const { size: index, frontier } = this.heads.get(tx) ?? (await this.lockedHead(tx));
    const byKey = new Map(frontier.map((n) => [`${n.level}/${n.index}`, n.hash]));
    const hash = leafHash(entry);
    const completed = nodesCompletedBy(index, hash, (level, i) => {
      const sibling = byKey.get(`${level}/${i}`);
      if (!sibling) throw new Error(`the transparency log has no node ${level}/${i}: log_nodes is behind log_leaves`);
      return sibling;
    });
    // The new top node replaces the frontier nodes below it (they were its left siblings).
    const top = completed[completed.length - 1];
    const next = [...frontier.filter((n) => n.level > top.level), top];
    if (tx.queryRunner?.isTransactionActive) this.heads.set(tx, { size: index + 1, frontier: next });
    return { index, hash, completed, frontier, next };
  }

  /** Locks the log's head row and reads its size and frontier, in one round trip (held until `tx` ends). */
  private async lockedHead(tx: EntityManager): Promise<{ size: number; frontier: TreeNode[] }> {
    const s = quotedSchemaOf(tx.connection);
    const rows: Array<{ size: string; levels: number[]; hashes: Array<Buffer | null> }> = await tx.query(`SELECT size::text AS size, levels, hashes FROM ${s}.log_head WHERE only_row FOR UPDATE`);
    if (rows.length === 0) throw new Error('the transparency log has no head row: the log_head migration did not run');
    const size = Number(rows[0].size);
    const frontier = rows[0].levels.map((level, i): TreeNode => {
      const nodeIndex = Math.floor(size / 2 ** level) - 1;
      const hash = rows[0].hashes[i];
      if (!hash) throw new Error(`the transparency log has no node ${level}/${nodeIndex}: log_nodes is behind log_leaves`);
      return { level, index: nodeIndex, hash };
    });
    return { size, frontier };
  }

  /** The number of leaves `manager` can see (inside an appending transaction: its own too). */
  async size(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const s = quotedSchemaOf(manager.connection);
    const rows: Array<{ next: string }> = await manager.query(`SELECT coalesce(max(leaf_index) + 1, 0) AS next FROM ${s}.log_leaves`);
    return Number(rows[0].next);
  }

  /**
   * The tree of `size` leaves loaded with the nodes `keys` names (from `NodeTree.keysFor*`), in one
   * query; it answers only the roots and proofs those nodes cover.
   */
  async tree(manager: EntityManager, size: number, keys: readonly NodeKey[]): Promise<NodeTree> {
    const nodes = await this.nodes(manager, keys);
    return new NodeTree(size, nodes.all);
  }

  /** The inclusion receipt of leaf `index` at tree size index + 1, with the checkpoint signed by `key`. */
  async receipt(tx: EntityManager, index: number, key: RegistryKeyState): Promise<InclusionReceipt> {
    const treeSize = index + 1;
    const tree = await this.tree(tx, treeSize, [...NodeTree.keysForRoot(treeSize), ...NodeTree.keysForInclusion(index, treeSize)]);
    return createInclusionReceipt(tree, index, await this.checkpointAt(tx, treeSize, tree.root(treeSize), key));
  }

  /** The signed checkpoint of the head (`treeSize`, `root`), by `key`; a head signed before is reused. */
  async checkpointAt(tx: EntityManager, treeSize: number, root: Buffer, key: RegistryKeyState): Promise<string> {
    const s = quotedSchemaOf(tx.connection);
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
        const size = await this.size(tx);
        const tree = await this.tree(tx, size, NodeTree.keysForRoot(size));
        return this.checkpointAt(tx, size, tree.root(), key);
      }),
    );
  }

  /** RFC 9162 consistency proof from size `from` to size `to` of the stored log. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    const size = await this.size();
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to && to <= size)) {
      throw new SigningError('SIGNING_LOG_RANGE', `sizes must satisfy 0 <= from <= to <= ${size} (got from=${from}, to=${to})`);
    }
    const tree = await this.tree(this.dataSource.manager, to, NodeTree.keysForConsistency(from, to));
    return tree.consistencyProof(from, to);
  }

  /**
   * Rebuilds every node from the stored leaf hashes and compares it with `log_nodes` (O(n): an
   * operator's check, not a request path). A leaf rewritten in SQL without its nodes shows up as
   * mismatched nodes; one rewritten with its nodes changes the signed roots, which clients holding
   * an earlier checkpoint catch through consistency proofs.
   */
  async audit(manager: EntityManager = this.dataSource.manager): Promise<LogAudit> {
    const s = quotedSchemaOf(manager.connection);
    const leaves: Array<{ leaf_hash: Buffer }> = await manager.query(`SELECT leaf_hash FROM ${s}.log_leaves ORDER BY leaf_index`);
    const stored: Array<{ level: number; idx: string; hash: Buffer }> = await manager.query(`SELECT level, idx, hash FROM ${s}.log_nodes`);
    const byKey = new Map(stored.map((n) => [`${n.level}/${n.idx}`, n]));
    const mismatched: NodeKey[] = [];
    for (const node of treeNodes(leaves.map((l) => l.leaf_hash))) {
      const key = `${node.level}/${node.index}`;
      if (!byKey.get(key)?.hash.equals(node.hash)) mismatched.push({ level: node.level, index: node.index });
      byKey.delete(key);
    }
    const unexpected = [...byKey.values()].map((n) => ({ level: n.level, index: Number(n.idx) }));
    return { size: leaves.length, mismatched, unexpected };
  }

  /** The nodes `keys` names, in one query; a missing one is an error when it is read. */
  private async nodes(manager: EntityManager, keys: readonly NodeKey[]): Promise<{ all: TreeNode[]; get(level: number, index: number): Buffer }> {
    const all: TreeNode[] = [];
    if (keys.length > 0) {
      const s = quotedSchemaOf(manager.connection);
      const rows: Array<{ level: number; idx: string; hash: Buffer }> = await manager.query(
        `SELECT n.level, n.idx, n.hash FROM ${s}.log_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS k (level, idx) ON n.level = k.level AND n.idx = k.idx`,
        [keys.map((k) => k.level), keys.map((k) => String(k.index))],
      );
      for (const r of rows) all.push({ level: r.level, index: Number(r.idx), hash: r.hash });
    }
    const byKey = new Map(all.map((n) => [`${n.level}/${n.index}`, n.hash]));
    return {
      all,
      get: (level, index) => {
        const hash = byKey.get(`${level}/${index}`);
        if (!hash) throw new Error(`the transparency log has no node ${level}/${index}: log_nodes is behind log_leaves`);
        return hash;
      },
    };
  }

  /**
   * Entry `index`, served only when it hashes to the leaf the tree commits to (node 0/index): a leaf
   * rewritten in SQL without its nodes is refused rather than passed off as logged.
   */
  async leaf(index: number): Promise<StoredLeaf> {
    const s = quotedSchemaOf(this.dataSource);
    const rows: Array<{ kind: LogEntryKind; entry: Buffer; leaf_hash: Buffer; node: Buffer | null }> = await this.dataSource.query(
      `SELECT l.kind, l.entry, l.leaf_hash, n.hash AS node FROM ${s}.log_leaves l LEFT JOIN ${s}.log_nodes n ON n.level = 0 AND n.idx = l.leaf_index WHERE l.leaf_index = $1`,
      [index],
    );
    if (rows.length === 0) throw new SigningError('SIGNING_LOG_RANGE', `the log has no entry ${index}`);
    const { kind, entry, leaf_hash: stored, node } = rows[0];
    const hash = leafHash(entry);
    if (!(node && hash.equals(node) && hash.equals(stored))) throw new Error(`transparency log entry ${index} does not match the tree (its leaf was changed after it was logged)`);
    return { index, kind, entry, leafHash: hash };
  }

  private signerFor(key: RegistryKeyState): CheckpointSigner {
    let publicKey = this.publicKeys.get(key.publicKey);
    if (!publicKey) {
      publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
      this.publicKeys.set(key.publicKey, publicKey);
    }
    return {
      keyName: LOG_KEY_NAME,
      publicKey,
      sign: (message) => this.provider.sign(key.keyid, message),
    };
  }
}
