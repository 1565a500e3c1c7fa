import { createHash } from 'node:crypto';
import { provenanceBundle } from '../../__fixtures__/provenance-bundle';
import { IngestRejected } from '../ingest-rejection';
import { checkProvenance, type ProvenanceSubject } from './check-provenance';

const tarball = Buffer.from('pretend tarball bytes');
const sha512 = createHash('sha512').update(tarball).digest('hex');
const subject = (extra: Partial<ProvenanceSubject> = {}): ProvenanceSubject => ({
  name: '@acme/widget',
  version: '1.2.3',
  sha512,
  manifest: { repository: { type: 'git', url: 'git+https://github.com/acme/widget.git' } },
  ...extra,
});

function refusal(run: () => unknown): IngestRejected {
  try {
    run();
  } catch (e: unknown) {
    if (e instanceof IngestRejected) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checkProvenance', () => {
  it('records the SLSA v1 source of a matching bundle', () => {
    const bytes = Buffer.from(provenanceBundle({ name: '@acme/widget', version: '1.2.3', tarball, commit: 'c0ffee' }));
    expect(checkProvenance(bytes, subject())).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      predicateType: 'https://slsa.dev/provenance/v1',
      repository: 'https://github.com/acme/widget',
      commit: 'c0ffee',
      verified: 'subject+repository',
    });
  });

  it('reads SLSA v0.2 configSource and a shorthand repository', () => {
    const bytes = Buffer.from(provenanceBundle({ name: 'widget', version: '1.0.0', tarball, slsa: 'v0.2', commit: 'beef' }));
    expect(checkProvenance(bytes, subject({ name: 'widget', version: '1.0.0', manifest: { repository: 'acme/widget' } }))).toMatchObject({
      predicateType: 'https://slsa.dev/provenance/v0.2',
      repository: 'https://github.com/acme/widget',
      commit: 'beef',
    });
  });

  it('refuses a statement about another package, version or tarball', () => {
    const other = refusal(() => checkProvenance(Buffer.from(provenanceBundle({ name: '@acme/other', version: '1.2.3', tarball })), subject()));
    expect(other.code).toBe('INGEST_PROVENANCE_SUBJECT_MISMATCH');
    expect(other.problems[0]).toContain('pkg:npm/%40acme/other@1.2.3');
    const bytes = refusal(() => checkProvenance(Buffer.from(provenanceBundle({ name: '@acme/widget', version: '1.2.3', tarball: Buffer.from('other bytes') })), subject()));
    expect(bytes.code).toBe('INGEST_PROVENANCE_SUBJECT_MISMATCH');
    expect(bytes.problems[0]).toContain(sha512);
  });

  it('refuses a repository other than package.json declares, or none declared', () => {
    const bytes = Buffer.from(provenanceBundle({ name: '@acme/widget', version: '1.2.3', tarball, repository: 'https://github.com/mallory/widget' }));
    expect(refusal(() => checkProvenance(bytes, subject())).code).toBe('INGEST_PROVENANCE_REPOSITORY_MISMATCH');
    const good = Buffer.from(provenanceBundle({ name: '@acme/widget', version: '1.2.3', tarball }));
    expect(refusal(() => checkProvenance(good, subject({ manifest: {} }))).code).toBe('INGEST_PROVENANCE_REPOSITORY_MISMATCH');
  });

  it('refuses what is not a bundle', () => {
    expect(refusal(() => checkProvenance(Buffer.from('{"mediaType":"text/plain"}'), subject())).code).toBe('INGEST_PROVENANCE_INVALID');
    expect(refusal(() => checkProvenance(Buffer.from('not json'), subject())).code).toBe('INGEST_PROVENANCE_INVALID');
    const bundle = JSON.parse(provenanceBundle({ name: '@acme/widget', version: '1.2.3', tarball })) as { dsseEnvelope: { payloadType: string } };
    bundle.dsseEnvelope.payloadType = 'text/plain';
    expect(refusal(() => checkProvenance(Buffer.from(JSON.stringify(bundle)), subject())).problems[0]).toContain('payloadType');
  });
});
