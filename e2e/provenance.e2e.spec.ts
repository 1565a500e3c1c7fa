import { makeTarball, publishBody, runCleanups } from '@palisade/testing';
import { provenanceBundle, type BundleOptions } from '../services/ingest/src/__fixtures__/provenance-bundle';
import { startStack, type Stack } from './support/stack';

// Publisher provenance end to end: the `.sigstore` attachment of `npm publish --provenance`
// (a raw publish body: a real one needs a CI OIDC token) is checked by ingest, stored, advertised
// in packuments and served back byte for byte.
let stack: Stack;
let registry: string;
let token: string;

beforeAll(async () => {
  stack = await startStack('embedded');
  registry = stack.registry('dev');
  const response = await fetch(`${registry}-/user/org.couchdb.user:prova`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ _id: 'org.couchdb.user:prova', name: 'prova', password: 'provas-long-password', email: 'prova@example.test', type: 'user', roles: [] }),
  });
  expect(response.status).toBe(201);
  token = ((await response.json()) as { token: string }).token;
});

afterAll(async () => {
  await stack?.stop();
  await runCleanups();
});

async function publishWithBundle(name: string, version: string, bundle: Partial<BundleOptions> = {}): Promise<{ status: number; text: string; bundleText: string }> {
  const manifest = { name, version, main: 'index.js', repository: { type: 'git', url: `git+https://github.com/acme/${name.replace(/^@[^/]+\//, '')}.git` } };
  const tarball = makeTarball([
    { path: 'package/package.json', content: JSON.stringify(manifest) },
    { path: 'package/index.js', content: 'module.exports = 1;\n' },
  ]);
  const bundleText = provenanceBundle({ name, version, tarball, ...bundle });
  const body = publishBody(manifest, tarball) as { _attachments: Record<string, unknown> };
  body._attachments[`${name}-${version}.sigstore`] = { content_type: 'application/vnd.dev.sigstore.bundle.v0.3+json', data: bundleText, length: bundleText.length };
  const response = await fetch(`${registry}${name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), bundleText };
}

describe('publisher provenance', () => {
  it('serves a published bundle back byte-identical, with dist.attestations in both packuments', async () => {
    const { status, bundleText } = await publishWithBundle('@prov/widget', '1.0.0', { commit: 'c0ffeec0ffee' });
    expect(status).toBe(201);
    const raw = await fetch(`${registry}-/palisade/v1/provenance/@prov%2fwidget@1.0.0`);
    expect(raw.status).toBe(200);
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(bundleText, 'utf8'))).toBe(true);

    const full = (await (await fetch(`${registry}@prov%2fwidget`, { headers: { accept: 'application/json' } })).json()) as {
      versions: Record<string, { dist: { attestations?: { url: string; provenance: { predicateType: string } } } }>;
    };
    const attestations = full.versions['1.0.0'].dist.attestations;
    expect(attestations).toEqual({ url: `${registry}-/npm/v1/attestations/@prov%2Fwidget@1.0.0`, provenance: { predicateType: 'https://slsa.dev/provenance/v1' } });
    const corgi = (await (await fetch(`${registry}@prov%2fwidget`, { headers: { accept: 'application/vnd.npm.install-v1+json' } })).json()) as typeof full;
    expect(corgi.versions['1.0.0'].dist.attestations).toEqual(attestations);

    // As pacote fetches it: the url's path resolved against the configured registry.
    const served = await fetch(new URL(new URL(attestations?.url ?? '').pathname, registry).href);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual({ attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle: JSON.parse(bundleText) }] });
  });

  it('serves no attestations for a version published without a bundle', async () => {
    const manifest = { name: 'prov-plain', version: '1.0.0' };
    const tarball = makeTarball([{ path: 'package/package.json', content: JSON.stringify(manifest) }]);
    const response = await fetch(`${registry}prov-plain`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(publishBody(manifest, tarball)),
    });
    expect(response.status).toBe(201);
    const doc = (await (await fetch(`${registry}prov-plain`)).json()) as { versions: Record<string, { dist: Record<string, unknown> }> };
    expect(doc.versions['1.0.0'].dist).not.toHaveProperty('attestations');
    expect((await fetch(`${registry}-/npm/v1/attestations/prov-plain@1.0.0`)).status).toBe(404);
  });

  it('refuses a bundle about other bytes with 422 and stores nothing', async () => {
    const before = await stack.blobCount();
    const { status, text } = await publishWithBundle('@prov/subject', '1.0.0', { subjectSha512: 'ab'.repeat(64) });
    expect(status).toBe(422);
    expect(text).toContain('the provenance statement does not describe this package version and tarball');
    expect(await stack.blobCount()).toBe(before);
    expect((await fetch(`${registry}@prov%2fsubject`)).status).toBe(404);
  });

  it('refuses a bundle built from another repository than package.json declares', async () => {
    const { status, text } = await publishWithBundle('@prov/repo', '1.0.0', { repository: 'https://github.com/mallory/repo' });
    expect(status).toBe(422);
    expect(text).toContain('another repository');
    expect(text).toContain('mallory/repo');
  });
});
