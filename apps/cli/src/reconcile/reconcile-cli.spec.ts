import { CliError } from '../cli-error';
import { parseCliArgs } from '../cli-args';
import { formatReconcileReport, type ReconcileReportJson } from './reconcile-command';
import { parseDurationMs } from './reconcile-args';

describe('palisade reconcile', () => {
  it('parses its options, durations in ms', () => {
    expect(parseCliArgs(['reconcile', '--older-than', '5m', '--lookback', '2d', '--dry-run', '--json'])).toEqual({
      command: 'reconcile',
      olderThanMs: 300_000,
      lookbackMs: 172_800_000,
      dryRun: true,
      connection: { json: true },
    });
    expect(parseCliArgs(['reconcile'])).toEqual({ command: 'reconcile', dryRun: false, connection: { json: false } });
  });

  it('refuses bad durations and arguments as usage errors', () => {
    expect(() => parseDurationMs('5 minutes', 'older-than')).toThrow(CliError);
    expect(() => parseDurationMs('0s', 'older-than')).toThrow(/--older-than must be a duration/);
    expect(() => parseCliArgs(['reconcile', 'now'])).toThrow(/takes no arguments/);
    expect(() => parseCliArgs(['reconcile', '--force'])).toThrow(CliError);
  });

  it('prints a line per step and every finding under its step', () => {
    const report: ReconcileReportJson = {
      dryRun: false,
      olderThanMs: 300_000,
      lookbackMs: 604_800_000,
      versionsChecked: 3,
      versionsWithoutEvent: 0,
      steps: [
        { step: 'judged', missing: 0, reissued: 0, failed: 0 },
        { step: 'signed', missing: 2, reissued: 1, failed: 1 },
      ],
      findings: [
        { name: '@acme/a', version: '1.0.0', step: 'signed', consumer: 'signing.version-ingested', outcome: 'reissued' },
        { name: '@acme/b', version: '2.0.0', step: 'signed', consumer: 'signing.version-ingested', outcome: 'failed', error: 'SIGNING_X: broken' },
      ],
      unreachable: ['gateway'],
    };
    expect(formatReconcileReport(report).split('\n')).toEqual([
      'checked 3 version(s) accepted 300s to 168h ago',
      '  judged     nothing missing',
      '  signed     2 missing, 1 re-issued, 1 failed',
      '    @acme/a@1.0.0  signing.version-ingested: reissued',
      '    @acme/b@2.0.0  signing.version-ingested: failed (SIGNING_X: broken)',
      '  not checked (service did not answer): gateway',
    ]);
    expect(formatReconcileReport({ ...report, dryRun: true, steps: [{ step: 'signed', missing: 2, reissued: 0, failed: 0 }], findings: [], unreachable: [] })).toContain('2 missing, 2 would re-issue');
  });
});
