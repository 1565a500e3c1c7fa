import { alertFilterRegex, deliveryBackoffMs, parseAlertWebhook, parseAlertWebhooks, webhookForLogs, webhookWants } from './alert-webhooks';

describe('alert webhooks', () => {
  it('parses `url` and `url|filter` entries', () => {
    expect(parseAlertWebhook('https://hooks.internal/sec')).toEqual({ url: 'https://hooks.internal/sec', filter: undefined });
    expect(parseAlertWebhook(' http://127.0.0.1:9000/x?token=abc | alerts.security.> ')).toEqual({ url: 'http://127.0.0.1:9000/x?token=abc', filter: 'alerts.security.>' });
  });

  it.each([
    ['not a URL', 'hooks.internal/sec', /absolute http\(s\) URL/],
    ['another scheme', 'ftp://hooks.internal/sec', /http or https/],
    ['an empty filter', 'https://hooks.internal/sec|', /empty subject filter/],
    ['a filter outside alerts', 'https://hooks.internal/sec|registry.evt.>', /start with "alerts\."/],
    ['a misplaced >', 'https://hooks.internal/sec|alerts.>.critical', /last token/],
  ])('refuses %s without quoting the entry', (_what, entry, problem) => {
    const parsed = parseAlertWebhook(entry);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
    expect('problem' in parsed && parsed.problem).not.toContain('hooks.internal');
  });

  it('numbers the problems of a list and refuses a URL listed twice', () => {
    expect(parseAlertWebhooks(['https://a.internal/x', 'nope', 'https://a.internal/x|alerts.recall.>'])).toEqual({
      webhooks: [{ url: 'https://a.internal/x', filter: undefined }],
      problems: ['entry 2 must be an absolute http(s) URL, optionally followed by |<subject filter>', 'entry 3 repeats the URL of an earlier entry'],
    });
  });

  it('sends a webhook the alerts its filter matches, NATS style', () => {
    const all = { url: 'https://a.internal/x', filter: undefined };
    const security = { url: 'https://b.internal/x', filter: 'alerts.security.>' };
    const critical = { url: 'https://c.internal/x', filter: 'alerts.*.critical.*' };
    expect(webhookWants(all, 'alerts.recall.high.opened')).toBe(true);
    expect(webhookWants(security, 'alerts.security.high.tamper')).toBe(true);
    expect(webhookWants(security, 'alerts.recall.high.opened')).toBe(false);
    expect(webhookWants(critical, 'alerts.security.critical.malware')).toBe(true);
    expect(webhookWants(critical, 'alerts.security.high.malware')).toBe(false);
  });

  it('backs off from the initial delay, doubling, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => deliveryBackoffMs(n, 1_000, 300_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000]);
    expect(deliveryBackoffMs(1_000, 1_000, 300_000)).toBe(300_000);
  });

  it('logs a webhook by its origin only (tokens hide in credentials, paths and queries)', () => {
    expect(webhookForLogs('https://user:pass@hooks.internal:8443/services/T0/s3cret?token=s3cret')).toBe('https://hooks.internal:8443');
  });

  it('turns a NATS filter into an equivalent regular expression', () => {
    const cases: Array<[string, string, boolean]> = [
      ['alerts.>', 'alerts.security.critical.malware', true],
      ['alerts.security.>', 'alerts.security.critical.malware', true],
      ['alerts.security.>', 'alerts.recall.high.opened', false],
      ['alerts.*.critical.*', 'alerts.security.critical.malware', true],
      ['alerts.*.critical', 'alerts.security.critical.malware', false],
      ['alerts.security.critical.upstream-removed', 'alerts.security.critical.upstream-removed', true],
    ];
    for (const [filter, subject, matches] of cases) expect({ filter, subject, matches: new RegExp(alertFilterRegex(filter)).test(subject) }).toEqual({ filter, subject, matches });
  });
});
