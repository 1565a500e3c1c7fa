import { setTimeout as sleep } from 'node:timers/promises';
import { AdminClient } from '../admin/admin-client';
import { resolveConnection, type ConfigSources } from '../admin/registry-config';
import type { AlertsTailArgs } from '../cli-args';
import { CliError, CliErrorCode } from '../cli-error';
import { formatAlertLine, type AlertEnvelope } from './recall-format';

/** Alerts per request while following; a full page is followed by the next one at once. */
const PAGE = 100;
/** Most alerts `--from-start` prints from before the tail began (the registry answers the newest ones). */
const BACKLOG = 1_000;

export interface RecordedAlert {
  seq: bigint;
  subject: string;
  /** Undefined when the registry could not read the alert's CloudEvent (it answers null). */
  event?: AlertEnvelope;
}

export interface AlertPage {
  alerts: RecordedAlert[];
  /** Where the next request starts (`after`). */
  lastSeq: bigint;
}

const seqOf = (value: unknown): bigint | undefined => {
  if (typeof value === 'bigint') return value;
  if ((typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && /^\d+$/.test(value))) return BigInt(value);
  return undefined;
};

/**
 * `{ alerts: [{ seq, subject, event }], lastSeq }` (seq as a number or a decimal string, event as
 * JSON, its text, or null when the registry could not read it).
 */
export function alertPageOf(json: unknown, after: bigint): AlertPage {
  const page = json as { alerts?: unknown; lastSeq?: unknown } | undefined;
  if (!page || (page.alerts !== undefined && !Array.isArray(page.alerts))) throw new CliError(CliErrorCode.Registry, 'the alerts API answered without an alerts array');
  const alerts: RecordedAlert[] = [];
  for (const raw of (page.alerts as unknown[] | undefined) ?? []) {
    const a = raw as { seq?: unknown; subject?: unknown; event?: unknown };
    const seq = seqOf(a.seq);
    let event = a.event;
    if (typeof event === 'string') {
      try {
        event = JSON.parse(event) as unknown;
      } catch {
        event = undefined;
      }
    }
    if (seq === undefined || (event !== null && event !== undefined && (typeof event !== 'object' || Array.isArray(event)))) {
      throw new CliError(CliErrorCode.Registry, 'the alerts API answered an alert without a seq, or with an event that is not a CloudEvent');
    }
    const subject = typeof a.subject === 'string' ? a.subject : '';
    alerts.push(event ? { seq, subject, event: event as AlertEnvelope } : { seq, subject });
  }
  alerts.sort((x, y) => (x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0));
  const highest = alerts.reduce((max, a) => (a.seq > max ? a.seq : max), after);
  const last = seqOf(page.lastSeq);
  return { alerts, lastSeq: last !== undefined && last > highest ? last : highest };
}

export interface TailOutput {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Ctrl-C: stops the tail between polls. */
  signal?: AbortSignal;
}

/**
 * `palisade alerts tail`: polls the registry's alert log and prints each alert once, oldest
 * first, as `<time> <subject> <summary>` or (with --json) its CloudEvent as one JSON line.
 * Without --from-start only alerts recorded after the start are printed. `--max n` stops after n
 * alerts; with --from-start it also stops once the alerts already recorded are printed. A registry
 * that stops answering while following is retried at the next poll; the first request must work.
 */
export async function runAlertsTail(args: AlertsTailArgs, sources: ConfigSources, io: TailOutput): Promise<number> {
  const client = new AdminClient(await resolveConnection(args.connection, sources));
  const fetchPage = async (after: bigint, limit: number) => alertPageOf(await client.alerts(after.toString(), args.filter, limit), after);
  let printed = 0;
  const print = (alerts: readonly RecordedAlert[]): boolean => {
    for (const alert of alerts) {
      // An alert the registry could not read has no event to print as JSON; people still see that it happened.
      if (!alert.event && args.connection.json) continue;
      io.out(alert.event ? (args.connection.json ? JSON.stringify(alert.event) : formatAlertLine(alert.event, alert.subject)) : `- ${alert.subject} (alert ${alert.seq} could not be read)`);
      printed += 1;
      if (args.max !== undefined && printed >= args.max) return true;
    }
    return false;
  };

  // `after=0` answers the newest alerts: printed with --from-start, else only the cursor is kept.
  const first = await fetchPage(0n, args.fromStart ? Math.min(args.max ?? BACKLOG, BACKLOG) : 1);
  let cursor = first.lastSeq;
  if (args.fromStart) {
    if (print(first.alerts) || args.max !== undefined) return printed;
  }
  let failing = false;
  while (!io.signal?.aborted) {
    let full = false;
    try {
      const page = await fetchPage(cursor, PAGE);
      failing = false;
      const seen = cursor;
      cursor = page.lastSeq;
      if (print(page.alerts.filter((a) => a.seq > seen))) return printed;
      full = page.alerts.length >= PAGE;
    } catch (e: unknown) {
      if (!(e instanceof CliError) || e.code !== CliErrorCode.Registry) throw e;
      if (!failing) io.err(`palisade: ${e.message}; retrying every ${args.intervalMs} ms`);
      failing = true;
    }
    if (full) continue;
    try {
      await sleep(args.intervalMs, undefined, io.signal ? { signal: io.signal } : {});
    } catch {
      break;
    }
  }
  return printed;
}
