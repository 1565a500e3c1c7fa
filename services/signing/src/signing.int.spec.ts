import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { Events, decodeMessage, encodeMessage, timestampFromDate, type KeysChanged, type VersionSigned } from '@palisade/contracts';
import { EmbeddedBus, type DeliveredMessage } from '@palisade/messaging';
import type { RunningService } from '@palisade/platform';
import { runCleanups, waitFor } from '@palisade/testing';
import { integrityOf, startSigning, type SigningHarness } from './__fixtures__/signing-harness';
import { KEY_PROVIDER } from './keys/key-provider';
import { LocalKeyProvider } from './keys/local-key-provider';

// The signing service in-process on the embedded bus, on a database of its own: it creates its
// first key, signs ingested versions, rotates and revokes over its admin API, and never lets a
// private key out in clear.
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const KEK = randomBytes(32).toString('base64');

describe('signing service (in-process, embedded bus)', () => {
  let harness: SigningHarness;
  let databaseUrl: string;
  let bus: EmbeddedBus;
  let service: RunningService;
  const logs: string[] = [];
  const responses: string[] = [];
  const signed: VersionSigned[] = [];
  const keySets: KeysChanged[] = [];

  const ingest = (name: string, version: string, publishedAt = new Date()) => harness.ingest(name, version, { publishedAt: timestampFromDate(publishedAt) });
  const signatureOf = async (name: string, version: string) => {
    await waitFor(() => signed.some((s) => s.name === name && s.version === version), { message: `${name}@${version} signed` });
    return signed.find((s) => s.name === name && s.version === version) as VersionSigned;
  };
  const admin = async (path: string, token = ADMIN) => {
    const response = await fetch(`${service.url}/-/palisade/v1/keys${path}`, { method: path ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, body: JSON.parse(text) as { keys: Array<{ keyid: string; status: string; expires: string | null; key: string }>; code?: string } };
  };
  const publicKeyOf = (spkiBase64: string): KeyObject => createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
  const verifies = (s: VersionSigned, spkiBase64: string) =>
    verify('sha256', Buffer.from(`${s.name}@${s.version}:${s.integrity}`), publicKeyOf(spkiBase64), Buffer.from(s.signature?.sig ?? '', 'base64'));

  beforeAll(async () => {
    harness = await startSigning(
      'signing',
      { PALISADE_SIGNING_KEK: KEK, PALISADE_SIGNING_ADMIN_TOKEN: ADMIN, PALISADE_LOG_LEVEL: 'trace' },
      new Writable({ write: (chunk, _enc, done) => void (logs.push(String(chunk)), done()) }),
    );
    ({ databaseUrl, bus, service } = harness);
    const spec = { stream: 'REGISTRY', maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 };
    await bus.consume({ ...spec, durable: 'probe-signed', filterSubject: Events.versionSigned.subject }, async (m: DeliveredMessage) => {
      signed.push(decodeMessage(Events.versionSigned.schema, m.data));
    });
    await bus.consume({ ...spec, durable: 'probe-keys', filterSubject: Events.keysChanged.subject }, async (m: DeliveredMessage) => {
      keySets.push(decodeMessage(Events.keysChanged.schema, m.data));
    });
  }, 30_000);

  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await runCleanups();
  });

  it('creates the first key at start and announces it', async () => {
    await waitFor(() => keySets.length === 1, { message: 'first key.changed' });
    const [first] = keySets;
    expect(first.sequence).toBe(1);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]).toMatchObject({ keyid: first.keyid, keytype: 'ecdsa-sha2-nistp256', scheme: 'ecdsa-sha2-nistp256' });
    expect(first.keys[0].expires).toBeUndefined();
    const spki = Buffer.from(first.keys[0].publicKey, 'base64');
    expect(first.keyid).toBe(`SHA256:${createHash('sha256').update(spki).digest('base64').replace(/=+$/, '')}`);
  });

  it('signs name@version:integrity with the active key, once per version', async () => {
    await ingest('@acme/one', '1.0.0');
    const s = await signatureOf('@acme/one', '1.0.0');
    expect(s.signature?.keyid).toBe(keySets[0].keyid);
    expect(s.integrity).toBe(integrityOf('@acme/one@1.0.0'));
    expect(verifies(s, keySets[0].keys[0].publicKey)).toBe(true);
    // The same version ingested again (another message id) is not signed again.
    await bus.publish({ id: 'ingested-again', subject: Events.versionIngested.subject, schema: Events.versionIngested.schema.typeName, data: encodeMessage(Events.versionIngested.schema, {
      name: '@acme/one', version: '1.0.0', tarball: { key: 'k', integrity: integrityOf('@acme/one@1.0.0'), size: 10 }, manifestJson: '{}',
    }) });
    await ingest('two', '1.0.0');
    await signatureOf('two', '1.0.0');
    const rows: Array<{ n: string }> = await service.dataSource.query(`SELECT count(*) AS n FROM signatures WHERE name = '@acme/one'`);
    expect(rows[0].n).toBe('1');
    expect(signed.filter((x) => x.name === '@acme/one')).toHaveLength(1);
  });

  it('guards the admin API with the bearer token', async () => {
    expect((await admin('/rotate', 'wrong-token-wrong-token')).status).toBe(401);
    const response = await fetch(`${service.url}/-/palisade/v1/keys/rotate`, { method: 'POST' });
    expect(response.status).toBe(401);
  });

  it('rotates: new versions get the new key, old ones keep theirs, the old key expires at the rotation', async () => {
    const before = Date.now();
    const rotated = await admin('/rotate');
    expect(rotated.status).toBe(201);
    const [old, next] = rotated.body.keys;
    expect([old.status, next.status]).toEqual(['retired', 'active']);
    expect(Date.parse(old.expires as string)).toBeGreaterThanOrEqual(before);
    expect(next.expires).toBeNull();
    await waitFor(() => keySets.length === 2, { message: 'rotation key.changed' });
    expect(keySets[1]).toMatchObject({ sequence: 2, keyid: next.keyid });

    await ingest('three', '1.0.0');
    const s = await signatureOf('three', '1.0.0');
    expect(s.signature?.keyid).toBe(next.keyid);
    expect(verifies(s, next.key)).toBe(true);
    expect(signed.filter((x) => x.name === '@acme/one').map((x) => x.signature?.keyid)).toEqual([old.keyid]);
  });

  it('revokes a retired key (listed, expired before any time), refuses the active one and unknown ones', async () => {
    const { keys } = (await admin('')).body;
    const [old, active] = keys;
    expect((await admin(`/${encodeURIComponent(active.keyid)}/revoke`)).body.code).toBe('SIGNING_KEY_ACTIVE');
    expect((await admin(`/${encodeURIComponent('SHA256:nope')}/revoke`)).status).toBe(404);
    const revoked = await admin(`/${encodeURIComponent(old.keyid)}/revoke`);
    expect(revoked.status).toBe(200);
    const listed = revoked.body.keys.find((k) => k.keyid === old.keyid);
    expect(listed?.status).toBe('revoked');
    expect(Date.parse(listed?.expires as string)).toBe(-8.64e15);
    await waitFor(() => keySets.length === 3, { message: 'revocation key.changed' });
    expect(keySets[2].keys.map((k) => k.keyid)).toEqual([old.keyid, active.keyid]);
    // Revoking again changes nothing and announces nothing.
    expect((await admin(`/${encodeURIComponent(old.keyid)}/revoke`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(keySets).toHaveLength(3);
  });

  it('never lets a private key out in clear: logs, events, bus, responses, database', async () => {
    const provider = service.app.get<LocalKeyProvider>(KEY_PROVIDER);
    // Test-only peek at the provider's opened keys, to know what to look for.
    const opened = (provider as unknown as { opened: Map<string, KeyObject> }).opened;
    expect(opened.size).toBe(2);
    const needles: Array<{ label: string; text?: string; bytes?: Buffer }> = [];
    for (const [keyid, key] of opened) {
      const der = key.export({ type: 'pkcs8', format: 'der' });
      const sec1 = key.export({ type: 'sec1', format: 'der' });
      const d = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
      const pemBody = (key.export({ type: 'pkcs8', format: 'pem' }) as string).split('\n').filter((l) => l && !l.startsWith('-----'));
      needles.push(
        { label: `${keyid} pkcs8 base64`, text: der.toString('base64') },
        { label: `${keyid} sec1 base64`, text: sec1.toString('base64') },
        { label: `${keyid} d hex`, text: d.toString('hex') },
        { label: `${keyid} d base64`, text: d.toString('base64').replace(/=+$/, '') },
        { label: `${keyid} d base64url`, text: d.toString('base64url') },
        { label: `${keyid} pem line`, text: pemBody[1] },
        { label: `${keyid} pkcs8 der`, bytes: der },
        { label: `${keyid} d raw`, bytes: d },
      );
    }
    const haystacks: Array<{ where: string; value: Buffer }> = [
      { where: 'logs', value: Buffer.from(logs.join('')) },
      { where: 'responses', value: Buffer.from(responses.join('\n')) },
    ];
    needles.push({ label: 'KEK', text: KEK }, { label: 'admin token', text: ADMIN });
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const columns: Array<{ table_schema: string; table_name: string; column_name: string; data_type: string }> = (
        await db.query(
          `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND data_type IN ('text', 'bytea', 'jsonb', 'json', 'character varying')`,
        )
      ).rows;
      const tables = new Set(columns.map((c) => `${c.table_schema}.${c.table_name}`));
      for (const needed of ['palisade_signing.outbox', 'palisade_signing.key_material', 'palisade_signing.signatures', 'bus.message']) expect(tables.has(needed)).toBe(true);
      for (const c of columns) {
        const column = `"${c.column_name}"`;
        const { rows } = await db.query(`SELECT ${c.data_type === 'bytea' ? column : `${column}::text`} AS v FROM "${c.table_schema}"."${c.table_name}" WHERE ${column} IS NOT NULL`);
        for (const row of rows as Array<{ v: Buffer | string }>) haystacks.push({ where: `${c.table_schema}.${c.table_name}.${c.column_name}`, value: Buffer.isBuffer(row.v) ? row.v : Buffer.from(row.v) });
      }
      // The events themselves, decoded: every field of every key.changed and version.signed.
      haystacks.push({ where: 'decoded events', value: Buffer.from(JSON.stringify([keySets, signed], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) });
    } finally {
      await db.end();
    }
    expect(haystacks.some((h) => h.where === 'bus.message.data')).toBe(true);
    expect(haystacks.some((h) => h.where === 'palisade_signing.key_material.sealed_private_key')).toBe(true);
    const leaks: string[] = [];
    for (const h of haystacks) {
      for (const n of needles) if (n.text ? h.value.includes(n.text) : h.value.includes(n.bytes as Buffer)) leaks.push(`${n.label} in ${h.where}`);
    }
    expect(leaks).toEqual([]);
  });
});
