import { create } from '@bufbuild/protobuf';
import { RejectionSchema } from '@palisade/contracts';
import { describeRejection, publishRefusal, unpublishRefusal } from './ingest-client';

const rejection = (code: string, message: string, problems: string[] = [], retryable = false) => create(RejectionSchema, { code, message, problems, retryable });

describe('ingest refusals as npm errors', () => {
  it('maps publish refusals to the status npm reports', () => {
    const exists = publishRefusal(rejection('INGEST_VERSION_EXISTS', 'exists'), '1.0.0');
    expect([exists.status, exists.code, exists.message]).toEqual([409, 'PAL_ERR_VERSION_EXISTS', 'cannot publish over the previously published version 1.0.0']);
    expect(publishRefusal(rejection('INGEST_INVALID_VERSION', 'bad version'), '1').status).toBe(400);
    expect(publishRefusal(rejection('INGEST_TARBALL_TOO_LARGE', 'too large'), '1').status).toBe(413);
    expect(publishRefusal(rejection('INGEST_UPSTREAM_UNAVAILABLE', 'later', [], true), '1').status).toBe(503);
    const unsafe = publishRefusal(rejection('INGEST_TARBALL_UNSAFE', 'the tarball is unsafe', ['the tarball contains a path outside the package: ../evil']), '1');
    expect(unsafe.status).toBe(422);
    expect(unsafe.toBody().error).toBe('invalid package: the tarball is unsafe: the tarball contains a path outside the package: ../evil');
  });

  it('does not repeat a problem the summary already says', () => {
    expect(describeRejection(rejection('X', 'integrity mismatch: a', ['integrity mismatch: a']))).toBe('integrity mismatch: a');
    expect(describeRejection(rejection('X', '', ['p1', 'p2']))).toBe('p1; p2');
    expect(describeRejection(rejection('X', 'not gzip (npm tarballs are .tgz)', ['TARBALL_NOT_GZIP: not gzip (npm tarballs are .tgz)']))).toBe('not gzip (npm tarballs are .tgz)');
  });

  it('maps unpublish refusals', () => {
    expect(unpublishRefusal(rejection('INGEST_VERSION_NOT_FOUND', 'no such version'), 'p').status).toBe(404);
    expect(unpublishRefusal(rejection('INGEST_SOMETHING', 'no'), 'p').status).toBe(409);
  });
});
