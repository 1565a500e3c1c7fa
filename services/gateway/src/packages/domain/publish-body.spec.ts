import { RegistryHttpError } from '../../http/registry-errors';
import { assertValidTag, isPublishBody, parsePublishBody } from './publish-body';

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: '@s/pkg',
    name: '@s/pkg',
    'dist-tags': { beta: '1.2.3' },
    versions: { '1.2.3': { name: '@s/pkg', version: '1.2.3', dist: { integrity: 'sha512-x' } } },
    _attachments: { '@s/pkg-1.2.3.tgz': { content_type: 'application/octet-stream', data: 'AAEC', length: 3 } },
    ...overrides,
  };
}

function refusal(run: () => unknown): RegistryHttpError {
  try {
    run();
  } catch (e: unknown) {
    if (e instanceof RegistryHttpError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('parsePublishBody', () => {
  it('reads the one version, its tarball, its tag and a provenance bundle', () => {
    const sigstore = { '@s/pkg-1.2.3.sigstore': { content_type: 'application/vnd.dev.sigstore.bundle.v0.3+json', data: '{"mediaType":"x"}', length: 17 } };
    const submission = parsePublishBody('@s/pkg', body({ _attachments: { ...(body()._attachments as object), ...sigstore } }));
    expect(submission).toEqual({
      version: '1.2.3',
      manifest: { name: '@s/pkg', version: '1.2.3', dist: { integrity: 'sha512-x' } },
      tarballBase64: 'AAEC',
      declaredLength: 3,
      distTag: 'beta',
      provenanceBundle: '{"mediaType":"x"}',
    });
  });

  it('defaults the tag to latest', () => {
    expect(parsePublishBody('@s/pkg', body({ 'dist-tags': undefined })).distTag).toBe('latest');
  });

  it('refuses bodies that are not one well-formed version with its own tarball', () => {
    expect(refusal(() => parsePublishBody('@s/other', body())).status).toBe(400);
    expect(refusal(() => parsePublishBody('@s/pkg', body({ versions: {} }))).message).toContain('exactly one version');
    expect(refusal(() => parsePublishBody('@s/pkg', body({ _attachments: { 'pkg-1.2.3.tgz': { data: 'AA', length: 1 } } }))).message).toContain('@s/pkg-1.2.3.tgz');
    const noLength = body({ _attachments: { '@s/pkg-1.2.3.tgz': { data: 'AAEC' } } });
    expect(refusal(() => parsePublishBody('@s/pkg', noLength)).message).toContain('length');
    const wrongVersion = body({ versions: { '1.2.3': { name: '@s/pkg', version: '1.2.4' } } });
    expect(refusal(() => parsePublishBody('@s/pkg', wrongVersion)).code).toBe('PAL_ERR_BAD_REQUEST');
  });

  it('tells publishes (with attachments) from metadata writes', () => {
    expect(isPublishBody(body())).toBe(true);
    expect(isPublishBody(body({ _attachments: {} }))).toBe(false);
    expect(isPublishBody({ _id: 'x', maintainers: [] })).toBe(false);
  });
});

describe('assertValidTag', () => {
  it('accepts words and refuses version ranges and unsafe characters', () => {
    expect(() => assertValidTag('next')).not.toThrow();
    expect(() => assertValidTag('release-2.x-lts')).not.toThrow();
    for (const bad of ['1.x', '^2.0.0', '', 'a b', 'a/b']) expect(() => assertValidTag(bad)).toThrow(RegistryHttpError);
  });
});

describe('parsePublishBody refuses what npm never sends', () => {
  const version = (dist: unknown, extra: Record<string, unknown> = {}) => ({ versions: { '1.2.3': { name: '@s/pkg', version: '1.2.3', dist, ...extra } } });

  it('a dist-tag pointing at a version the document does not carry', () => {
    expect(refusal(() => parsePublishBody('@s/pkg', body({ 'dist-tags': { latest: '9.9.9' } }))).message).toMatch(/not the version this publish carries/);
    expect(refusal(() => parsePublishBody('@s/pkg', body({ 'dist-tags': { beta: '1.2.3', latest: '0.0.1' } }))).status).toBe(400);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty'])('a dist-tag named %s', (tag) => {
    const tags = JSON.parse(`{"${tag}": "1.2.3"}`) as Record<string, unknown>;
    expect(refusal(() => parsePublishBody('@s/pkg', body({ 'dist-tags': tags }))).message).toMatch(/reserved/);
    expect(refusal(() => assertValidTag(tag)).status).toBe(400);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it.each([
    ['no dist at all', undefined],
    ['no integrity', { shasum: 'a'.repeat(40) }],
    ['only a sha1 integrity', { integrity: 'sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
    ['an integrity that is not a string', { integrity: 42 }],
  ])('a version with %s', (_what, dist) => {
    const error = refusal(() => parsePublishBody('@s/pkg', body(version(dist))));
    expect(error.code).toBe('PAL_ERR_INVALID_PACKAGE');
    expect(error.message).toMatch(/sha512/);
  });

  it('does not forward a client readme (the tarball’s is recorded)', () => {
    const submission = parsePublishBody('@s/pkg', body(version({ integrity: 'sha512-x' }, { readme: 'r'.repeat(1024), readmeFilename: 'README.md' })));
    expect(submission.manifest).not.toHaveProperty('readme');
    expect(submission.manifest).not.toHaveProperty('readmeFilename');
  });
});
