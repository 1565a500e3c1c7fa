import { alertFilterProblem, subjectMatches } from '@palisade/contracts';

/** Where alerts are POSTed, and which of them (a NATS subject filter; undefined: every alert). */
export interface AlertWebhook {
  readonly url: string;
  readonly filter: string | undefined;
}

/**
 * One `PALISADE_ALERT_WEBHOOKS` entry: `<url>` or `<url>|<subject filter>`. Returns the webhook,
 * or the problem with it; the message never quotes the entry (URLs often carry a token).
 */
export function parseAlertWebhook(entry: string): AlertWebhook | { problem: string } {
  const bar = entry.indexOf('|');
  const url = (bar === -1 ? entry : entry.slice(0, bar)).trim();
  const filter = bar === -1 ? undefined : entry.slice(bar + 1).trim();
  if (!URL.canParse(url)) return { problem: 'must be an absolute http(s) URL, optionally followed by |<subject filter>' };
  const protocol = new URL(url).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return { problem: 'must use http or https' };
  if (filter !== undefined) {
    if (filter === '') return { problem: 'has an empty subject filter after |' };
    const problem = alertFilterProblem(filter);
    if (problem) return { problem: `has an invalid subject filter: ${problem}` };
  }
  return { url, filter };
}

/** Every entry parsed, or every problem (entries counted from 1; a URL listed twice is a problem). */
export function parseAlertWebhooks(entries: readonly string[]): { webhooks: AlertWebhook[]; problems: string[] } {
  const webhooks: AlertWebhook[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const parsed = parseAlertWebhook(entry);
    if ('problem' in parsed) problems.push(`entry ${index + 1} ${parsed.problem}`);
    else if (webhooks.some((w) => w.url === parsed.url)) problems.push(`entry ${index + 1} repeats the URL of an earlier entry`);
    else webhooks.push(parsed);
  });
  return { webhooks, problems };
}

/** Whether `webhook` wants the alert published on `subject`. */
export function webhookWants(webhook: AlertWebhook, subject: string): boolean {
  return webhook.filter === undefined || subjectMatches(webhook.filter, subject);
}

/** Delay before the next attempt after `failedAttempts` failures: `initialMs`, doubling, at most `maxMs`. */
export function deliveryBackoffMs(failedAttempts: number, initialMs: number, maxMs: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // 2^31 ms is weeks: past that the cap has long applied, and the power cannot overflow.
  return Math.min(maxMs, initialMs * 2 ** Math.min(exponent, 31));
}

/**
 * A webhook URL fit for logs: scheme and host only. Credentials, path and query are left out,
 * since webhook URLs often carry their token in any of them.
 */
export function webhookForLogs(url: string): string {
  if (!URL.canParse(url)) return '[invalid url]';
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}

/**
 * The NATS filter as a PostgreSQL regular expression over subjects (`*` one token, `>` one or
 * more). The filter must be valid (`alertFilterProblem`): its literal tokens are `[a-z0-9-]`, which
 * mean themselves in a regular expression.
 */
export function alertFilterRegex(filter: string): string {
  const parts = filter.split('.').map((part) => (part === '*' ? '[^.]+' : part === '>' ? '.+' : part));
  return `^${parts.join('\\.')}$`;
}
