import { createHash } from 'node:crypto';

export interface BundleOptions {
  name: string;
  version: string;
  tarball: Buffer;
  /** Source repository the predicate names; `https://github.com/acme/<unscoped name>` by default. */
  repository?: string;
  commit?: string;
  /** Override the subject (name or digest) to make a mismatching bundle. */
  subjectName?: string;
  subjectSha512?: string;
  slsa?: 'v1' | 'v0.2';
}

/**
 * A syntactically valid Sigstore bundle as `npm publish --provenance` attaches it: an in-toto
 * statement with a SLSA predicate in a DSSE envelope, a dummy signature and certificate. It
 * passes every shape check; it would not pass Sigstore verification (nothing here is signed).
 */
export function provenanceBundle(options: BundleOptions): string {
  const purlName = options.name.startsWith('@') ? `%40${options.name.slice(1)}` : options.name;
  const repository = options.repository ?? `https://github.com/acme/${options.name.replace(/^@[^/]+\//, '')}`;
  const commit = options.commit ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9011223344';
  const predicate =
    options.slsa === 'v0.2'
      ? {
          buildType: 'https://github.com/npm/cli/gha/v2',
          builder: { id: 'https://github.com/actions/runner' },
          invocation: { configSource: { uri: `git+${repository}@refs/heads/main`, digest: { sha1: commit }, entryPoint: '.github/workflows/publish.yml' } },
        }
      : {
          buildDefinition: {
            buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
            externalParameters: { workflow: { ref: 'refs/heads/main', repository, path: '.github/workflows/publish.yml' } },
            internalParameters: { github: { event_name: 'push' } },
            resolvedDependencies: [{ uri: `git+${repository}@refs/heads/main`, digest: { gitCommit: commit } }],
          },
          runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' }, metadata: { invocationId: 'https://example.test/run/1' } },
        };
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: options.subjectName ?? `pkg:npm/${purlName}@${options.version}`, digest: { sha512: options.subjectSha512 ?? createHash('sha512').update(options.tarball).digest('hex') } }],
    predicateType: options.slsa === 'v0.2' ? 'https://slsa.dev/provenance/v0.2' : 'https://slsa.dev/provenance/v1',
    predicate,
  };
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: Buffer.from('dummy certificate, not a real Fulcio one').toString('base64') },
      tlogEntries: [{ logIndex: '1', logId: { keyId: 'ZHVtbXk=' }, kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: '1700000000' }],
    },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: Buffer.from('dummy signature').toString('base64'), keyid: '' }],
    },
  };
  // npm sends the bundle as JSON text; the spacing must survive byte for byte.
  return JSON.stringify(bundle, null, 1);
}
