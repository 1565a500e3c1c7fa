import { isPalisadeError, isRetryable } from '@palisade/errors';
import {
  AlertSchema,
  ContractErrorCode,
  DownloadRecordedSchema,
  FindingCategory,
  PublishReplySchema,
  Severity,
  Verdict,
  VersionIngestedSchema,
  VersionScannedSchema,
  VersionSource,
  decodeMessage,
  encodeMessage,
  timestampFromMs,
  timestampMs,
} from './index';

describe('encodeMessage / decodeMessage', () => {
  it('round-trips a scan verdict with findings, enums, optional fields and a timestamp', () => {
    const bytes = encodeMessage(VersionScannedSchema, {
      name: '@acme/left-pad',
      version: '1.2.3',
      integrity: 'sha512-abc',
      verdict: Verdict.BLOCK,
      findings: [
        {
          rule: 'malware.exfiltration-env',
          category: FindingCategory.MALWARE,
          severity: Severity.CRITICAL,
          message: 'sends process.env to a remote host',
          evidence: { file: 'package/index.js', line: 12, snippet: 'fetch(u, {body: JSON.stringify(process.env)})' },
        },
        { rule: 'osv.match', category: FindingCategory.VULNERABILITY, severity: Severity.HIGH, advisoryId: 'GHSA-xxxx', cvssScore: 8.1 },
      ],
      vulnRisk: 81,
      malwareRisk: 100,
      advisoryDbVersion: '2026-11-25T10:00:00Z',
      scannedAt: timestampFromMs(1_764_000_000_123),
    });

    const decoded = decodeMessage(VersionScannedSchema, bytes);

    expect(decoded.$typeName).toBe('palisade.v1.VersionScanned');
    expect(decoded.verdict).toBe(Verdict.BLOCK);
    expect(decoded.findings).toHaveLength(2);
    expect(decoded.findings[0].evidence).toMatchObject({ file: 'package/index.js', line: 12 });
    expect(decoded.findings[0].cvssScore).toBeUndefined();
    expect(decoded.findings[1].cvssScore).toBe(8.1);
    expect(decoded.findings[1].evidence).toBeUndefined();
    expect(timestampMs(decoded.scannedAt!)).toBe(1_764_000_000_123);
  });

  it('round-trips blob references without carrying bytes', () => {
    const bytes = encodeMessage(VersionIngestedSchema, {
      name: 'left-pad',
      version: '1.0.0',
      source: VersionSource.PUBLISHED,
      tarball: { key: 'sha512/ab/cd', integrity: 'sha512-q83vEjRWeJA=', size: 4096 },
      publisher: { principal: 'alice', tokenId: 'tok_1' },
    });
    const decoded = decodeMessage(VersionIngestedSchema, bytes);
    expect(decoded.tarball).toMatchObject({ key: 'sha512/ab/cd', integrity: 'sha512-q83vEjRWeJA=', size: 4096 });
    expect(decoded.publisher?.tokenId).toBe('tok_1');
    expect(decoded.source).toBe(VersionSource.PUBLISHED);
  });

  it('round-trips a reply oneof as a tagged union', () => {
    const rejected = decodeMessage(
      PublishReplySchema,
      encodeMessage(PublishReplySchema, {
        outcome: { case: 'rejected', value: { code: 'INGEST_VERSION_EXISTS', message: 'exists', problems: ['a', 'b'] } },
      }),
    );
    expect(rejected.outcome.case).toBe('rejected');
    if (rejected.outcome.case === 'rejected') expect(rejected.outcome.value.problems).toEqual(['a', 'b']);

    const accepted = decodeMessage(
      PublishReplySchema,
      encodeMessage(PublishReplySchema, { outcome: { case: 'accepted', value: { name: 'x', version: '1.0.0', newPackage: true } } }),
    );
    expect(accepted.outcome.case).toBe('accepted');
  });

  it('round-trips alert details and download records', () => {
    const alert = decodeMessage(
      AlertSchema,
      encodeMessage(AlertSchema, { area: 'security', severity: Severity.CRITICAL, kind: 'malware', details: { view: 'prod', count: '3' } }),
    );
    expect(alert.details).toEqual({ view: 'prod', count: '3' });

    const download = decodeMessage(
      DownloadRecordedSchema,
      encodeMessage(DownloadRecordedSchema, { name: 'x', version: '1.0.0', view: 'prod', downloader: { principal: 'ci', tokenId: 't9' } }),
    );
    expect(download.downloader).toMatchObject({ principal: 'ci', tokenId: 't9' });
  });

  it.each([
    ['truncated varint', [0xff, 0xff, 0xff]],
    ['length beyond the end', [0x0a, 0x05, 0x61]],
    ['invalid utf-8 in a string', [0x0a, 0x02, 0xc3, 0x28]],
    ['field number zero', [0x00]],
  ])('rejects bad bytes (%s) with CONTRACT_DECODE_FAILED, not retryable', (_label, bytes) => {
    let caught: unknown;
    try {
      decodeMessage(VersionIngestedSchema, new Uint8Array(bytes));
    } catch (e: unknown) {
      caught = e;
    }
    expect(isPalisadeError(caught)).toBe(true);
    expect((caught as { code: string }).code).toBe(ContractErrorCode.DECODE_FAILED);
    expect((caught as Error).message).toContain('palisade.v1.VersionIngested');
    expect(isRetryable(caught)).toBe(false);
  });
});
