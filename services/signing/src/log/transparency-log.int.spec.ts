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
import { EmbeddedBus } from '@palisade/messaging';
import type { RunningService } from '@palisade/platform';
import { runCleanups, waitFor } from '@palisade/testing';
import { decodeRootHash, detectRewrite, leafHash, verifyCheckpoint, verifyInclusionReceipt, type InclusionReceipt } from '@palisade/transparency-log';
import { integrityOf, startSigning, type SigningHarness } from '../__fixtures__/signing-harness';

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

  it('detects a leaf rewritten in the database: the old checkpoint and a new proof disagree', async () => {
    const older = verifyCheckpoint(await checkpoint(), publicKey(), 'palisade');
    const [leaf]: Array<{ entry: Buffer }> = await service.dataSource.query(`SELECT entry FROM log_leaves WHERE leaf_index = 0`);
    const forged = Buffer.from(leaf.entry.toString('utf8').replace('"name":"@acme/att"', '"name":"@acme/evil"'));
    expect(forged.equals(leaf.entry)).toBe(false);
    // A thorough forger rewrites the hash too, so the stored tree is self-consistent.
    await service.dataSource.query(`UPDATE log_leaves SET entry = $1, leaf_hash = $2 WHERE leaf_index = 0`, [forged, leafHash(forged)]);
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
});
