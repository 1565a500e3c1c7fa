import { createPublicKey, randomBytes } from 'node:crypto';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { envelopeLogEntry, verifyPalisadeAttestation, type DsseEnvelope, type ListedKey } from '@palisade/attestations';
import {
  Commands,
  Events,
  VersionSource,
  decodeMessage,
  encodeMessage,
  timestampFromDate,
  type CommandDefinition,
} from '@palisade/contracts';
import type { MigrationInterface } from 'typeorm';
import { EmbeddedBus } from '@palisade/messaging';
import type { RunningService } from '@palisade/platform';
import { runCleanups, waitFor } from '@palisade/testing';
import {
  MerkleTree,
  NodeTree,
  decodeRootHash,
  detectRewrite,
  leafHash,
  treeNodes,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyInclusionReceipt,
  type InclusionReceipt,
} from '@palisade/transparency-log';
import { integrityOf, startSigning, type SigningHarness } from '../__fixtures__/signing-harness';
import { SigningLogHead1766000000130 } from '../store/log-head.migration';
import { SigningLogNodes1766000000120 } from '../store/log-nodes.migration';
import { KeyRingService } from '../keys/key-ring.service';
import { TransparencyLog } from './transparency-log';

// Attestations and the transparency log, in-process on the embedded bus with a database of its
// own: what the gateway reads over the signing commands, checked the way a client would.
describe('attestations and the transparency log (signing service, embedded bus)', () => {
  let bus: EmbeddedBus;
  let service: RunningService;
  let keys: ListedKey[];
  let harness: SigningHarness;

  const ingest = (name: string, version: string, extra: { publisher?: { principal: string; tokenId: string } } = {}) =>
    harness.ingest(name, version, { source: VersionSource.PUBLISHED, publishedAt: timestampFromDate(new Date('2026-05-01T10:00:00.000Z')), ...extra });
  const call = async <Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, request: MessageInitShape<Req>): Promise<MessageShape<Rep>> =>
    decodeMessage(command.reply, (await bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: 5_000 })).data);
  const attestationsOf = async (name: string, version: string, count: number) => {
    let found: Array<{ predicateType: string; envelope: DsseEnvelope; logEntry: InclusionReceipt }> = [];
    await waitFor(
      async () => {
        const { outcome } = await call(Commands.signingAttestations, { name, version });
        if (outcome.case !== 'found') return false;
        found = outcome.value.attestations.map((a) => ({
          predicateType: a.predicateType,
          envelope: JSON.parse(a.envelopeJson) as DsseEnvelope,
          logEntry: JSON.parse(a.logEntryJson) as InclusionReceipt,
        }));
        return found.length >= count;
      },
      { message: `${count} attestation(s) of ${name}@${version}` },
    );
    return found;
  };
  const checkpoint = async () => {
    const { outcome } = await call(Commands.signingLogCheckpoint, {});
    if (outcome.case !== 'checkpoint') throw new Error(`no checkpoint: ${outcome.case}`);
    return outcome.value.checkpoint;
  };
  const publicKey = () => createPublicKey({ key: Buffer.from(keys[0].key, 'base64'), format: 'der', type: 'spki' });
  const statementOf = (envelope: DsseEnvelope) => JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { predicate: Record<string, unknown> };

  beforeAll(async () => {
    harness = await startSigning(`signing_tlog_${process.pid}`, { PALISADE_SIGNING_KEK: randomBytes(32).toString('base64') });
    ({ bus, service } = harness);
    const rows: Array<{ keyid: string; public_key: string }> = await service.dataSource.query(`SELECT keyid, public_key FROM registry_keys`);
    keys = rows.map((r) => ({ keyid: r.keyid, key: r.public_key, expires: null }));
  }, 30_000);

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await runCleanups();
  });

  it('attests a publish: DSSE by the registry key, in-toto subject, a receipt that verifies', async () => {
    await ingest('@acme/att', '1.0.0', { publisher: { principal: 'alice', tokenId: 'tok-1' } });
    const [publish] = await attestationsOf('@acme/att', '1.0.0', 1);
    expect(publish.predicateType).toBe('https://palisade.dev/attestation/publish/v1');
    expect(publish.envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(publish.envelope.signatures).toEqual([{ keyid: keys[0].keyid, sig: expect.any(String) }]);
    const integrity = integrityOf('@acme/att@1.0.0');
    const verified = verifyPalisadeAttestation(publish, { name: '@acme/att', version: '1.0.0', integrity }, keys);
    expect(verified.statement.subject).toEqual([{ name: 'pkg:npm/%40acme/att@1.0.0', digest: { sha512: Buffer.from(integrity.slice(7), 'base64').toString('hex') } }]);
    expect(statementOf(publish.envelope).predicate).toEqual({
      publisher: { principal: 'alice', tokenId: 'tok-1' },
      publishedAt: '2026-05-01T10:00:00.000Z',
      integrity,
      source: null,
    });
    // The library's own check, with the registry public key: the signature was logged first.
    const head = verifyInclusionReceipt(leafHash(envelopeLogEntry(publish.envelope)), publish.logEntry, publicKey(), 'palisade');
    expect(head).toMatchObject({ origin: 'palisade', treeSize: 2 });
    expect(publish.logEntry.logIndex).toBe(1);
  });

  it('logs the registry signature as a leaf anyone can rebuild from dist.signatures', async () => {
    const { outcome } = await call(Commands.signingLogEntry, { index: 0 });
    if (outcome.case !== 'entry') throw new Error(`no entry: ${outcome.case}`);
    const [signature]: Array<{ sig: string; keyid: string }> = await service.dataSource.query(`SELECT keyid, sig FROM signatures WHERE name = '@acme/att'`);
    const expected = JSON.stringify({ kind: 'registry-signature', name: '@acme/att', version: '1.0.0', integrity: integrityOf('@acme/att@1.0.0'), keyid: signature.keyid, sig: signature.sig });
    expect(outcome.value.kind).toBe('registry-signature');
    expect(Buffer.from(outcome.value.entry).toString('utf8')).toBe(expected);
    expect(Buffer.from(outcome.value.leafHash).equals(leafHash(Buffer.from(expected)))).toBe(true);
    const missing = await call(Commands.signingLogEntry, { index: 999 });
    expect(missing.outcome.case === 'rejected' && missing.outcome.value.code).toBe('SIGNING_LOG_RANGE');
  });

  it('attests each admission to a view once, and a redelivered publish adds nothing', async () => {
    const promoted = (view: string, id: string) =>
      bus.publish({
        id,
        subject: Events.versionPromoted.subject,
        schema: Events.versionPromoted.schema.typeName,
        data: encodeMessage(Events.versionPromoted.schema, {
          name: '@acme/att',
          version: '1.0.0',
          integrity: integrityOf('@acme/att@1.0.0'),
          view,
          fromView: view === 'dev' ? '' : 'dev',
          policyVersion: 3,
          approvers: view === 'dev' ? [] : ['bob', 'carol'],
          promotedAt: timestampFromDate(new Date('2026-05-02T00:00:00.000Z')),
        }),
      });
    await promoted('dev', 'promoted-dev');
    await promoted('staging', 'promoted-staging');
    await promoted('staging', 'promoted-staging-again');
    await ingest('@acme/att', '1.0.0', { publisher: { principal: 'alice', tokenId: 'tok-1' } });
    await bus.publish({ id: 'ingested-again', subject: Events.versionIngested.subject, schema: Events.versionIngested.schema.typeName, data: encodeMessage(Events.versionIngested.schema, {
      name: '@acme/att', version: '1.0.0', tarball: { key: 'k', integrity: integrityOf('@acme/att@1.0.0'), size: 10 }, manifestJson: '{}',
    }) });
    const all = await attestationsOf('@acme/att', '1.0.0', 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await attestationsOf('@acme/att', '1.0.0', 3)).map((a) => a.predicateType)).toEqual([
      'https://palisade.dev/attestation/publish/v1',
      'https://palisade.dev/attestation/admission/v1',
      'https://palisade.dev/attestation/admission/v1',
    ]);
    const staging = all.find((a) => statementOf(a.envelope).predicate.view === 'staging');
    expect(statementOf(staging?.envelope as DsseEnvelope).predicate).toEqual({
      view: 'staging',
      fromView: 'dev',
      policyVersion: 3,
      approvers: ['bob', 'carol'],
      admittedAt: '2026-05-02T00:00:00.000Z',
      // The event carries no decision, policy digest or requester.
      decision: [],
      policyDigest: null,
      requestedBy: null,
    });
    for (const a of all) verifyPalisadeAttestation(a, { name: '@acme/att', version: '1.0.0', integrity: integrityOf('@acme/att@1.0.0') }, keys);
    const leaves: Array<{ n: string }> = await service.dataSource.query(`SELECT count(*) AS n FROM log_leaves`);
    expect(leaves[0].n).toBe('4');
    const indexes: Array<{ leaf_index: string }> = await service.dataSource.query(`SELECT leaf_index FROM log_leaves ORDER BY leaf_index`);
    expect(indexes.map((r) => Number(r.leaf_index))).toEqual([0, 1, 2, 3]);
  });

  it('signs checkpoints with the registry key; a later one provably extends an earlier one', async () => {
    const older = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    expect(older).toMatchObject({ origin: 'palisade', treeSize: 4 });
    // Asking again signs nothing new.
    expect(await checkpoint()).toBe(await checkpoint());
    await ingest('plain', '2.0.0');
    await attestationsOf('plain', '2.0.0', 1);
    const newer = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    expect(newer.treeSize).toBe(6);
    const { outcome } = await call(Commands.signingLogConsistency, { from: older.treeSize, to: newer.treeSize });
    if (outcome.case !== 'proof') throw new Error(`no proof: ${outcome.case}`);
    expect(outcome.value.hashes.length).toBeGreaterThan(0);
    expect(detectRewrite(older, newer, outcome.value.hashes)).toEqual({ kind: 'extends' });
    const backwards = await call(Commands.signingLogConsistency, { from: 6, to: 4 });
    expect(backwards.outcome.case === 'rejected' && backwards.outcome.value.code).toBe('SIGNING_LOG_RANGE');
  });

  it('catches a leaf rewritten in the database without its tree nodes: entry reads refuse it, the audit names it', async () => {
    const log = service.app.get(TransparencyLog);
    const head = await checkpoint();
    expect(await log.audit()).toEqual({ size: 6, mismatched: [], unexpected: [] });
    const [leaf]: Array<{ entry: Buffer; leaf_hash: Buffer }> = await service.dataSource.query(`SELECT entry, leaf_hash FROM log_leaves WHERE leaf_index = 0`);
    const forged = Buffer.from(leaf.entry.toString('utf8').replace('"name":"@acme/att"', '"name":"@acme/lazy"'));
    await service.dataSource.query(`UPDATE log_leaves SET entry = $1, leaf_hash = $2 WHERE leaf_index = 0`, [forged, leafHash(forged)]);
    // The signed heads come from the nodes, which still commit to the original leaf ...
    expect(await checkpoint()).toBe(head);
    // ... so the forged entry is not served as part of the log, and the audit finds every node above it.
    const read = await bus.request(Commands.signingLogEntry.subject, encodeMessage(Commands.signingLogEntry.request, { index: 0 }), { timeoutMs: 5_000 }).then(
      () => 'answered',
      (e: unknown) => String(e),
    );
    expect(read).toMatch(/does not match the tree/);
    expect(await log.audit()).toEqual({
      size: 6,
      mismatched: [
        { level: 0, index: 0 },
        { level: 1, index: 0 },
        { level: 2, index: 0 },
      ],
      unexpected: [],
    });
    await service.dataSource.query(`UPDATE log_leaves SET entry = $1, leaf_hash = $2 WHERE leaf_index = 0`, [leaf.entry, leaf.leaf_hash]);
    expect(await log.audit()).toMatchObject({ mismatched: [], unexpected: [] });
  });

  it('detects a leaf rewritten in the database with its tree nodes: the old checkpoint and a new proof disagree', async () => {
    const older = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    const [leaf]: Array<{ entry: Buffer }> = await service.dataSource.query(`SELECT entry FROM log_leaves WHERE leaf_index = 0`);
    const forged = Buffer.from(leaf.entry.toString('utf8').replace('"name":"@acme/att"', '"name":"@acme/evil"'));
    expect(forged.equals(leaf.entry)).toBe(false);
    // A thorough forger rewrites the hash, every stored subtree above it and the head's frontier too, so the stored tree is self-consistent.
    await service.dataSource.query(`UPDATE log_leaves SET entry = $1, leaf_hash = $2 WHERE leaf_index = 0`, [forged, leafHash(forged)]);
    const hashes: Array<{ leaf_hash: Buffer }> = await service.dataSource.query(`SELECT leaf_hash FROM log_leaves ORDER BY leaf_index`);
    for (const node of treeNodes(hashes.map((h) => h.leaf_hash))) {
      await service.dataSource.query(`UPDATE log_nodes SET hash = $3 WHERE level = $1 AND idx = $2`, [node.level, node.index, node.hash]);
    }
    await rebuild('log_head', new SigningLogHead1766000000130());
    expect(await service.app.get(TransparencyLog).audit()).toMatchObject({ mismatched: [], unexpected: [] });
    const sameSize = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    expect(sameSize.treeSize).toBe(older.treeSize);
    expect(detectRewrite(older, sameSize, [])).toMatchObject({ kind: 'rewritten', reason: 'root-changed' });

    await ingest('after-rewrite', '1.0.0');
    await attestationsOf('after-rewrite', '1.0.0', 1);
    const newer = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    expect(newer.treeSize).toBe(older.treeSize + 2);
    const { outcome } = await call(Commands.signingLogConsistency, { from: older.treeSize, to: newer.treeSize });
    if (outcome.case !== 'proof') throw new Error(`no proof: ${outcome.case}`);
    expect(detectRewrite(older, newer, outcome.value.hashes)).toMatchObject({ kind: 'rewritten', reason: 'proof-invalid' });
    expect(decodeRootHash(newer.rootHash).equals(decodeRootHash(older.rootHash))).toBe(false);
  });

  it('answers the same roots and proofs from stored nodes as the in-memory tree over every stored leaf', async () => {
    const log = service.app.get(TransparencyLog);
    const rows: Array<{ leaf_hash: Buffer }> = await service.dataSource.query(`SELECT leaf_hash FROM log_leaves ORDER BY leaf_index`);
    const reference = new MerkleTree(rows.map((r) => r.leaf_hash));
    const size = await log.size();
    expect(size).toBe(reference.size);
    const manager = service.dataSource.manager;
    for (let n = 1; n <= size; n++) {
      expect((await log.tree(manager, n, NodeTree.keysForRoot(n))).root()).toEqual(reference.root(n));
      for (let m = 0; m <= n; m++) expect(await log.consistency(m, n)).toEqual(reference.consistencyProof(m, n));
      for (let i = 0; i < n; i++) expect((await log.tree(manager, n, NodeTree.keysForInclusion(i, n))).inclusionProof(i)).toEqual(reference.inclusionProof(i, n));
    }
  });

  /** Drops a table and runs the migration that made it again, on the log as it stands. */
  async function rebuild(table: string, migration: MigrationInterface): Promise<void> {
    await service.dataSource.query(`DROP TABLE ${table}`);
    const runner = service.dataSource.createQueryRunner();
    try {
      await migration.up(runner);
    } finally {
      await runner.release();
    }
  }

  it('backfills the nodes of existing leaves in one pass (the log_nodes migration)', async () => {
    const head = await checkpoint();
    const before: Array<{ level: number; idx: string; hash: Buffer }> = await service.dataSource.query(`SELECT level, idx, hash FROM log_nodes ORDER BY level, idx`);
    await rebuild('log_nodes', new SigningLogNodes1766000000120());
    expect(await service.dataSource.query(`SELECT level, idx, hash FROM log_nodes ORDER BY level, idx`)).toEqual(before);
    expect(await service.app.get(TransparencyLog).audit()).toMatchObject({ size: 8, mismatched: [], unexpected: [] });
    expect(await checkpoint()).toBe(head);
  });

  it('fills the head row from existing leaves and nodes (the log_head migration), and appends go on from it', async () => {
    const head = await checkpoint();
    const before: unknown[] = await service.dataSource.query(`SELECT size, levels, hashes FROM log_head`);
    await rebuild('log_head', new SigningLogHead1766000000130());
    expect(await service.dataSource.query(`SELECT size, levels, hashes FROM log_head`)).toEqual(before);
    expect(await checkpoint()).toBe(head);
    const log = service.app.get(TransparencyLog);
    await service.dataSource.transaction((tx) => log.append(tx, 'attestation', Buffer.from('after the head migration')));
    expect(await log.audit()).toMatchObject({ size: 9, mismatched: [], unexpected: [] });
  });

  it('keeps leaf indexes gapless and the tree whole under concurrent appends, some of them rolled back', async () => {
    const log = service.app.get(TransparencyLog);
    const start = await log.size();
    const rolledBack = new Error('rolled back on purpose');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        service.dataSource.transaction(async (tx) => {
          await log.append(tx, 'attestation', Buffer.from(JSON.stringify({ concurrent: i })));
          if (i % 4 === 0) throw rolledBack;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)).toEqual(Array(6).fill(rolledBack));
    const indexes: Array<{ leaf_index: string }> = await service.dataSource.query(`SELECT leaf_index FROM log_leaves WHERE leaf_index >= $1 ORDER BY leaf_index`, [start]);
    expect(indexes.map((r) => Number(r.leaf_index))).toEqual(Array.from({ length: 18 }, (_, i) => start + i));
    expect(await log.audit()).toMatchObject({ size: start + 18, mismatched: [], unexpected: [] });
  });

  it('keeps equal to the in-memory tree over a few hundred appends: roots and proofs at random sizes, which verify', async () => {
    const log = service.app.get(TransparencyLog);
    for (let i = 0; i < 300; i++) {
      await service.dataSource.transaction((tx) => log.append(tx, 'attestation', Buffer.from(JSON.stringify({ property: i }))));
    }
    const rows: Array<{ leaf_hash: Buffer }> = await service.dataSource.query(`SELECT leaf_hash FROM log_leaves ORDER BY leaf_index`);
    const reference = new MerkleTree(rows.map((r) => r.leaf_hash));
    expect(reference.size).toBe(327);
    let seed = 0x7109;
    const below = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const manager = service.dataSource.manager;
    for (const n of [1, 2, 63, 64, 65, 128, 255, 256, 257, 327, ...Array.from({ length: 12 }, () => 1 + below(327))]) {
      const root = reference.root(n);
      const i = below(n);
      const tree = await log.tree(manager, n, [...NodeTree.keysForRoot(n), ...NodeTree.keysForInclusion(i, n)]);
      expect(tree.root()).toEqual(root);
      expect(tree.inclusionProof(i)).toEqual(reference.inclusionProof(i, n));
      expect(() => verifyInclusion(rows[i].leaf_hash, i, n, tree.inclusionProof(i), root)).not.toThrow();
      const m = below(n + 1);
      const proof = await log.consistency(m, n);
      expect(proof).toEqual(reference.consistencyProof(m, n));
      if (m > 0) expect(() => verifyConsistency(m, n, reference.root(m), root, proof)).not.toThrow();
    }
    expect(await log.audit()).toMatchObject({ size: 327, mismatched: [], unexpected: [] });
  });

  it('answers from appendWithReceipt the receipt a later read of the stored tree gives, and stores its checkpoint, at sizes of every shape', async () => {
    const log = service.app.get(TransparencyLog);
    const keyRing = service.app.get(KeyRingService);
    for (let i = 0; i < 70; i++) {
      const entry = Buffer.from(JSON.stringify({ withReceipt: i }));
      const { index, receipt } = await service.dataSource.transaction((tx) => keyRing.withActiveKey(tx, (key) => log.appendWithReceipt(tx, 'attestation', entry, key)));
      expect(index).toBe(327 + i);
      expect(verifyInclusionReceipt(leafHash(entry), receipt, publicKey(), 'palisade')).toMatchObject({ treeSize: index + 1 });
      // The same note comes back: the checkpoint was stored with the leaf, not signed again.
      expect(await service.dataSource.transaction((tx) => keyRing.withActiveKey(tx, (key) => log.receipt(tx, index, key)))).toEqual(receipt);
    }
    expect(await log.audit()).toMatchObject({ size: 397, mismatched: [], unexpected: [] });
  });
});
