import { ConfigError, loadConfig } from '@palisade/config';
import { alertConfig, alertSettings } from './alert-config';

const SECRET = 'a-webhook-secret-of-some-length';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(alertConfig, env);
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.variable}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('alert settings', () => {
  it('has no webhooks by default, 8 attempts and a 1 s backoff capped at 5 min', () => {
    const settings = alertSettings(loadConfig(alertConfig, {}));
    expect(settings).toEqual({ webhooks: [], secret: undefined, maxAttempts: 8, backoffMs: 1_000, maxBackoffMs: 300_000, timeoutMs: 10_000, pollIntervalMs: 1_000 });
  });

  it('reads webhooks with their filters', () => {
    const settings = alertSettings(
      loadConfig(alertConfig, { PALISADE_ALERT_WEBHOOKS: 'https://a.internal/x, http://127.0.0.1:9/y|alerts.recall.>', PALISADE_ALERT_WEBHOOK_SECRET: SECRET, PALISADE_ALERT_WEBHOOK_BACKOFF: '50ms' }),
    );
    expect(settings.webhooks).toEqual([
      { url: 'https://a.internal/x', filter: undefined },
      { url: 'http://127.0.0.1:9/y', filter: 'alerts.recall.>' },
    ]);
    expect(settings.secret).toBe(SECRET);
    expect(settings.pollIntervalMs).toBe(50);
  });

  it('requires a secret of at least 16 characters once a webhook is set, and never echoes it', () => {
    expect(problemsOf({ PALISADE_ALERT_WEBHOOKS: 'https://a.internal/x' })).toEqual(['PALISADE_ALERT_WEBHOOK_SECRET: is required when PALISADE_ALERT_WEBHOOKS is set']);
    const short = problemsOf({ PALISADE_ALERT_WEBHOOKS: 'https://a.internal/x', PALISADE_ALERT_WEBHOOK_SECRET: 'tiny-secret' });
    expect(short).toEqual(['PALISADE_ALERT_WEBHOOK_SECRET: must be at least 16 characters']);
    expect(short.join()).not.toContain('tiny-secret');
  });

  it('refuses bad webhook entries without quoting them, and a cap below the backoff', () => {
    const problems = problemsOf({ PALISADE_ALERT_WEBHOOKS: 'file:///etc/passwd,https://ok.internal/x|alerts.>.x', PALISADE_ALERT_WEBHOOK_SECRET: SECRET, PALISADE_ALERT_WEBHOOK_BACKOFF: '10s', PALISADE_ALERT_WEBHOOK_MAX_BACKOFF: '1s' });
    expect(problems).toEqual([
      'PALISADE_ALERT_WEBHOOKS: entry 1 must use http or https',
      "PALISADE_ALERT_WEBHOOKS: entry 2 has an invalid subject filter: '>' may only be the last token",
      'PALISADE_ALERT_WEBHOOK_MAX_BACKOFF: must not be shorter than PALISADE_ALERT_WEBHOOK_BACKOFF',
    ]);
    expect(problems.join()).not.toContain('passwd');
  });
});
