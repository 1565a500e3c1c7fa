import { gzipSync } from 'node:zlib';
import { runCleanups } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from '../packages/__fixtures__/gateway-harness';
import { JSON_BODY_LIMIT } from './request-bodies';

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGatewayHarness('gw_request_bodies', { PALISADE_MAX_TARBALL_BYTES: String(64 * 1024) });
});

afterAll(() => runCleanups());

async function send(method: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${gw.origin}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

describe('request bodies', () => {
  it('refuses a login body over the JSON limit with 413 in the registry shape, before parsing', async () => {
    const body = JSON.stringify({ name: 'x', password: 'y'.repeat(1024 * 1024) });
    const reply = await send('PUT', '/-/user/org.couchdb.user:x', body);
    expect(reply).toMatchObject({ status: 413, json: { code: 'PAL_ERR_TOO_LARGE', error: expect.stringContaining(String(JSON_BODY_LIMIT)) } });
  });

  it('refuses a publish body larger than the tarball limit allows', async () => {
    const reply = await send('PUT', '/big-one', JSON.stringify({ _attachments: { 'big-one-1.0.0.tgz': { data: 'A'.repeat(2 * 1024 * 1024) } } }));
    expect(reply).toMatchObject({ status: 413, json: { code: 'PAL_ERR_TOO_LARGE' } });
  });

  it('refuses gzip request bodies outside the audit routes with 415', async () => {
    const reply = await send('PUT', '/-/user/org.couchdb.user:x', gzipSync(JSON.stringify({ name: 'x', password: 'y' })), { 'content-encoding': 'gzip' });
    expect(reply).toMatchObject({ status: 415, json: { code: 'PAL_ERR_UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('stops inflating a gzip bomb sent to an audit route at the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const reply = await send('POST', '/-/npm/v1/security/advisories/bulk', bomb, { 'content-encoding': 'gzip' });
    expect(reply).toMatchObject({ status: 413, json: { code: 'PAL_ERR_TOO_LARGE' } });
  });

  it('inflates a gzip audit body npm sends', async () => {
    const reply = await send('POST', '/-/npm/v1/security/advisories/bulk', gzipSync(JSON.stringify({})), { 'content-encoding': 'gzip' });
    expect(reply.status).not.toBe(415);
    expect(reply.status).not.toBe(400);
  });

  describe('package documents over the JSON limit are read only from a caller who may write the package', () => {
    // Over JSON_BODY_LIMIT, under the publish limit of this harness (64 KiB tarballs).
    const document = (name: string) => JSON.stringify({ name, padding: 'x'.repeat(300 * 1024) });
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      tokens.stranger = await gw.createUser('large-doc-stranger');
      tokens.readonly = await gw.createToken('large-doc-stranger', { readonly: true });
    });

    it('answers an anonymous caller 401 from the headers', async () => {
      const reply = await send('PUT', '/large-doc-anon', document('large-doc-anon'));
      expect(reply).toMatchObject({ status: 401, json: { code: 'PAL_ERR_UNAUTHORIZED' } });
    });

    it('answers a read-only token 403', async () => {
      const reply = await send('PUT', '/large-doc-ro', document('large-doc-ro'), { authorization: `Bearer ${tokens.readonly}` });
      expect(reply).toMatchObject({ status: 403, json: { code: 'PAL_ERR_TOKEN_READONLY' } });
    });

    it('answers a large document for a name nobody has that is no publish 404, as the metadata routes do', async () => {
      const reply = await send('PUT', '/large-doc-new', document('large-doc-new'), { authorization: `Bearer ${tokens.stranger}` });
      expect(reply).toMatchObject({ status: 404, json: { code: 'PAL_ERR_NOT_FOUND', error: expect.stringContaining('large-doc-new') } });
    });

    it('still parses a large document on the worker and refuses prototype keys in it', async () => {
      const poisoned = `{"__proto__": {"polluted": true}, "padding": "${'x'.repeat(300 * 1024)}"}`;
      const reply = await send('PUT', '/large-doc-poison', poisoned, { authorization: `Bearer ${tokens.stranger}` });
      expect(reply).toMatchObject({ status: 400, json: { code: 'PAL_ERR_BAD_REQUEST' } });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it.each([
    ['a publish body that is not JSON', 'PUT', '/some-pkg', '{not json', 'application/json', 400, 'PAL_ERR_BAD_REQUEST'],
    ['an empty JSON body', 'PUT', '/some-pkg', '', 'application/json', 400, 'PAL_ERR_BAD_REQUEST'],
    ['a body in an unknown content type', 'PUT', '/some-pkg', 'hello', 'text/x-unknown', 415, 'PAL_ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a prototype-poisoning document', 'PUT', '/some-pkg', '{"__proto__": {"polluted": true}}', 'application/json', 400, 'PAL_ERR_BAD_REQUEST'],
    ['an unserved method', 'PATCH', '/some-pkg', '{}', 'application/json', 404, 'PAL_ERR_NOT_FOUND'],
  ])('answers %s in the registry shape', async (_what, method, path, body, type, status, code) => {
    const reply = await send(method, path, body, { 'content-type': type });
    expect(reply).toMatchObject({ status, json: { code, error: expect.any(String) } });
    expect(Object.keys(reply.json ?? {}).sort()).toEqual(['code', 'error']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
