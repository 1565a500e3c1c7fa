import { EventSubjects } from '@palisade/contracts';
import { ROUNDS, chunkMessages, countByStep, reconcileWindow, stepOf, type Finding } from './reconcile-plan';

const finding = (step: Finding['step'], outcome: Finding['outcome']): Finding => ({
  name: 'a',
  version: '1.0.0',
  step,
  service: 'gateway',
  consumer: 'c',
  subject: 's',
  outcome,
});

describe('reconcile plan', () => {
  it('asks every producer before the consumers of what it publishes', () => {
    const roundOf = (service: string, subject: string) => ROUNDS.findIndex((r) => r.some((x) => x.service === service && x.subjects.includes(subject)));
    const producedIn = (service: string) => ROUNDS.findIndex((r) => r.some((x) => x.service === service && x.collect));
    expect(roundOf('promotion', EventSubjects.versionScanned)).toBeGreaterThan(producedIn('scanning'));
    expect(roundOf('promotion', EventSubjects.versionSigned)).toBeGreaterThan(producedIn('signing'));
    expect(roundOf('gateway', EventSubjects.versionPromoted)).toBeGreaterThan(producedIn('promotion'));
    expect(roundOf('signing', EventSubjects.versionPromoted)).toBeGreaterThan(producedIn('promotion'));
    // Every service gets the accepted event itself in its first round.
    for (const service of ['scanning', 'signing', 'promotion', 'gateway']) expect(roundOf(service, EventSubjects.versionIngested)).toBeGreaterThanOrEqual(0);
  });

  it('names the step each service owns', () => {
    expect([stepOf('scanning'), stepOf('signing'), stepOf('promotion'), stepOf('gateway')]).toEqual(['judged', 'signed', 'admitted', 'read-model']);
  });

  it('looks at versions accepted between the lookback and the bound', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(reconcileWindow(now, 5 * 60_000, 86_400_000)).toEqual({ from: new Date('2026-12-06T12:00:00Z'), to: new Date('2026-12-07T11:55:00Z') });
    // A lookback shorter than the bound selects nothing rather than a reversed range.
    const { from, to } = reconcileWindow(now, 86_400_000, 60_000);
    expect(from.getTime()).toBe(to.getTime());
  });

  it('splits messages by size and count, in order, a too-large one alone', () => {
    const m = (id: string, size: number) => ({ id, data: new Uint8Array(size) });
    const chunks = chunkMessages([m('a', 40), m('b', 40), m('c', 40), m('d', 200), m('e', 1), m('f', 1), m('g', 1)], 100, 2);
    expect(chunks.map((c) => c.map((x) => x.id))).toEqual([['a', 'b'], ['c'], ['d'], ['e', 'f'], ['g']]);
    expect(chunkMessages([], 100, 2)).toEqual([]);
  });

  it('counts findings per step: missing, re-issued and failed', () => {
    const counts = countByStep([finding('signed', 'reissued'), finding('signed', 'failed'), finding('read-model', 'missing')]);
    expect(counts).toEqual([
      { step: 'judged', missing: 0, reissued: 0, failed: 0 },
      { step: 'signed', missing: 2, reissued: 1, failed: 1 },
      { step: 'admitted', missing: 0, reissued: 0, failed: 0 },
      { step: 'read-model', missing: 1, reissued: 0, failed: 0 },
    ]);
  });
});
