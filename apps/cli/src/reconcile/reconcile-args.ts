import { CliError, CliErrorCode } from '../cli-error';
import { CONNECTION, connectionOf, parseCommandLine, type Connection } from '../command-line';

export const RECONCILE_USAGE = `usage: palisade reconcile [--older-than <duration>] [--lookback <duration>] [--dry-run] [--json]

  Finds accepted versions that have not reached their expected state (judged, signed, admitted,
  written to the read model) and re-issues each missing step to the service that owns it, once.
  Administrators only. Prints, per step, what was missing and what was re-issued.

  --older-than <duration>   only versions accepted at least this long ago (default: the server's
                            PALISADE_RECONCILE_OLDER_THAN, 5m); 30s, 5m, 2h, 1d
  --lookback <duration>     only versions accepted within this long (default: the server's
                            PALISADE_RECONCILE_LOOKBACK, 7d)
  --dry-run                 report what is missing; change nothing
  --json                    print the registry's report as JSON`;

export interface ReconcileArgs {
  command: 'reconcile';
  olderThanMs?: number;
  lookbackMs?: number;
  dryRun: boolean;
  connection: Connection;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `2h`, `7d` or a number of ms, at most ten years. */
export function parseDurationMs(raw: string, option: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 'ms'] : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > 3650 * UNIT_MS.d) {
    throw new CliError(CliErrorCode.Usage, `--${option} must be a duration such as 30s, 5m, 2h or 7d (got ${JSON.stringify(raw)})\n\n${RECONCILE_USAGE}`);
  }
  return ms;
}

export function parseReconcile(argv: readonly string[]): ReconcileArgs | { command: 'help'; usage: string } {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      'older-than': { type: 'string' },
      lookback: { type: 'string' },
      'dry-run': { type: 'boolean' },
      ...CONNECTION,
    },
    RECONCILE_USAGE,
  );
  if (values.help) return { command: 'help', usage: RECONCILE_USAGE };
  if (positionals.length > 0) throw new CliError(CliErrorCode.Usage, `reconcile takes no arguments (got ${positionals.join(' ')})\n\n${RECONCILE_USAGE}`);
  const connection = connectionOf(values);
  return {
    command: 'reconcile',
    ...(values['older-than'] !== undefined ? { olderThanMs: parseDurationMs(values['older-than'], 'older-than') } : {}),
    ...(values.lookback !== undefined ? { lookbackMs: parseDurationMs(values.lookback, 'lookback') } : {}),
    dryRun: values['dry-run'] === true,
    connection,
  };
}
