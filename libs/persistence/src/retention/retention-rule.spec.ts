import { DAY_MS, keepForDays, planRetention, type RetentionRule } from './retention-rule';

const now = new Date('2026-12-01T00:00:00Z');
const rule = (table: string, keepMs: number | undefined, expired = 't.at < $1'): RetentionRule => ({ table, keepMs, expired: () => expired });

describe('planRetention', () => {
  it('plans one bounded DELETE per rule, in order, with the cutoff now − keepMs and the batch size', () => {
    const plan = planRetention([rule('outbox', 7 * DAY_MS), rule('inbox', 30 * DAY_MS)], { schema: '"svc"', now, batchSize: 5000 });
    expect(plan.map((s) => s.table)).toEqual(['outbox', 'inbox']);
    expect(plan[0].params).toEqual([new Date('2026-11-24T00:00:00Z'), 5000]);
    expect(plan[1].params).toEqual([new Date('2026-11-01T00:00:00Z'), 5000]);
    expect(plan[0].sql).toBe(
      'DELETE FROM "svc".outbox t WHERE t.ctid = ANY(ARRAY(SELECT t.ctid FROM "svc".outbox t WHERE t.at < $1 LIMIT $2)) AND (t.at < $1)',
    );
  });

  it('skips rules that keep forever but still checks their names', () => {
    expect(planRetention([rule('audit_entries', undefined), rule('inbox', DAY_MS)], { schema: '"s"', now, batchSize: 10 }).map((s) => s.table)).toEqual(['inbox']);
    expect(() => planRetention([rule('bad; drop', undefined)], { schema: '"s"', now, batchSize: 10 })).toThrow(/plain lower-case identifier/);
  });

  it('passes the quoted schema to predicates that look at other tables', () => {
    const joined: RetentionRule = { table: 'child', keepMs: DAY_MS, expired: (s) => `t.parent IN (SELECT id FROM ${s}.parent WHERE at < $1)` };
    expect(planRetention([joined], { schema: '"x"', now, batchSize: 1 })[0].sql).toContain('SELECT id FROM "x".parent WHERE at < $1');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a batch size of %p', (batchSize) => {
    expect(() => planRetention([rule('inbox', DAY_MS)], { schema: '"s"', now, batchSize })).toThrow(/batch size/);
  });

  it('refuses two rules for one table and a retention that is not a positive duration', () => {
    expect(() => planRetention([rule('inbox', DAY_MS), rule('inbox', 2 * DAY_MS)], { schema: '"s"', now, batchSize: 1 })).toThrow(/two rules/);
    expect(() => planRetention([rule('inbox', 0)], { schema: '"s"', now, batchSize: 1 })).toThrow(/positive duration/);
    expect(() => planRetention([rule('inbox', Number.POSITIVE_INFINITY)], { schema: '"s"', now, batchSize: 1 })).toThrow(/positive duration/);
  });
});

describe('keepForDays', () => {
  it('turns days into ms and 0 into forever', () => {
    expect(keepForDays(7)).toBe(7 * 86_400_000);
    expect(keepForDays(0)).toBeUndefined();
  });
});
