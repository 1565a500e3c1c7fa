import { loadConfig } from './load-config';
import { retentionConfig, retentionSettings } from './retention-config';

describe('retention config', () => {
  it('keeps sent outbox rows 7 days and inbox ids 30 days, runs hourly in batches of 5,000 by default', () => {
    expect(retentionSettings(loadConfig(retentionConfig, {}))).toEqual({ intervalMs: 3_600_000, batchSize: 5_000, outboxDays: 7, inboxDays: 30 });
  });

  it('reads 0 as forever and durations with units', () => {
    const env = { PALISADE_RETENTION_OUTBOX_DAYS: '0', PALISADE_RETENTION_INBOX_DAYS: '0', PALISADE_RETENTION_INTERVAL: '10m' };
    expect(retentionSettings(loadConfig(retentionConfig, env))).toMatchObject({ intervalMs: 600_000, outboxDays: 0, inboxDays: 0 });
  });

  it('refuses an inbox shorter than a week, which could let a late copy of a message apply twice', () => {
    expect(() => loadConfig(retentionConfig, { PALISADE_RETENTION_INBOX_DAYS: '3' })).toThrow(/PALISADE_RETENTION_INBOX_DAYS: must be 0 \(forever\) or at least 7/);
    expect(retentionSettings(loadConfig(retentionConfig, { PALISADE_RETENTION_INBOX_DAYS: '7' })).inboxDays).toBe(7);
  });

  it('refuses negative days, tiny batches and sub-second intervals', () => {
    expect(() => loadConfig(retentionConfig, { PALISADE_RETENTION_OUTBOX_DAYS: '-1' })).toThrow(/PALISADE_RETENTION_OUTBOX_DAYS/);
    expect(() => loadConfig(retentionConfig, { PALISADE_RETENTION_BATCH_SIZE: '10' })).toThrow(/PALISADE_RETENTION_BATCH_SIZE/);
    expect(() => loadConfig(retentionConfig, { PALISADE_RETENTION_INTERVAL: '10ms' })).toThrow(/PALISADE_RETENTION_INTERVAL/);
  });
});
