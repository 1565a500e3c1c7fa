import { MessageHeaders } from '../message';
import type { DeadLetterSummary, StoredDeadLetter } from './dead-letter';
import {
  RedriveHeaders,
  checkSelection,
  deadLetterMessageId,
  deadLetterSubjectFilter,
  keptOnDeadLetter,
  pageOf,
  parseDeadLetterSubject,
  planRedrive,
  redriveMessageOf,
  redrivenToAnother,
  summaryOf,
} from './dead-letter-rules';

const letter = (id: number, consumer = 'promotion_ingested', stream = 'REGISTRY'): DeadLetterSummary => ({
  id: String(id),
  stream,
  consumer,
  subject: 'registry.evt.version.ingested',
  messageId: `m${id}`,
  schema: 'palisade.v1.VersionIngested',
  errorCode: 'HANDLER_FAILED',
  errorMessage: 'boom',
  attempts: 5,
  deadLetteredAt: new Date(0).toISOString(),
  payloadSize: 10,
});

const deadHeaders = {
  [MessageHeaders.eventId]: 'promotion_ingested:evt-1',
  [MessageHeaders.schema]: 'palisade.v1.VersionIngested',
  [MessageHeaders.errorCode]: 'HANDLER_FAILED',
  [MessageHeaders.errorMessage]: 'the database said no',
  [MessageHeaders.deadLetterSubject]: 'registry.evt.version.ingested',
  [MessageHeaders.deadLetterConsumer]: 'promotion_ingested',
  [MessageHeaders.deadLetterAttempts]: '5',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  'X-Custom': 'kept',
};

describe('dead-letter records', () => {
  it('reads stream and consumer from the dead-letter subject', () => {
    expect(parseDeadLetterSubject('deadletter.registry.promotion_ingested')).toEqual({ stream: 'REGISTRY', consumer: 'promotion_ingested' });
    expect(parseDeadLetterSubject('registry.evt.version.ingested')).toBeUndefined();
    expect(parseDeadLetterSubject('deadletter.registry')).toBeUndefined();
  });

  it('summarises a dead letter from its headers, with the original event id', () => {
    const summary = summaryOf('42', 'deadletter.registry.promotion_ingested', deadHeaders, new Date('2026-12-01T10:00:00Z'), 123);
    expect(summary).toEqual({
      id: '42',
      stream: 'REGISTRY',
      consumer: 'promotion_ingested',
      subject: 'registry.evt.version.ingested',
      messageId: 'evt-1',
      schema: 'palisade.v1.VersionIngested',
      errorCode: 'HANDLER_FAILED',
      errorMessage: 'the database said no',
      attempts: 5,
      deadLetteredAt: '2026-12-01T10:00:00.000Z',
      payloadSize: 123,
    });
    expect(summaryOf('43', 'alerts.ops.high.x', deadHeaders, new Date(), 1)).toBeUndefined();
  });

  it('gives the dead letter of a replayed message an id of its own, so the broker does not drop it as a duplicate', () => {
    expect(deadLetterMessageId('c1', { id: 'evt-1', headers: {} })).toBe('c1:evt-1');
    const again = deadLetterMessageId('c1', { id: 'evt-1', headers: { [RedriveHeaders.redrivenFrom]: '42' } });
    expect(again).toBe('c1:evt-1:redriven-42');
    // …and the summary of that second dead letter still names the original event.
    expect(summaryOf('50', 'deadletter.registry.c1', { ...deadHeaders, [MessageHeaders.deadLetterConsumer]: 'c1', [MessageHeaders.eventId]: again }, new Date(), 1)?.messageId).toBe('evt-1');
  });

  it('turns a filter into a dead-letter subject filter, refusing names that are not NATS tokens', () => {
    expect(deadLetterSubjectFilter({})).toBe('deadletter.*.*');
    expect(deadLetterSubjectFilter({ stream: 'REGISTRY' })).toBe('deadletter.registry.*');
    expect(deadLetterSubjectFilter({ consumer: 'promotion_ingested' })).toBe('deadletter.*.promotion_ingested');
    for (const bad of ['a.b', '>', '*', 'with space', 'x'.repeat(200)]) {
      expect(() => deadLetterSubjectFilter({ consumer: bad })).toThrow(expect.objectContaining({ code: 'DEAD_LETTER_BAD_REQUEST' }));
    }
  });
});

describe('listing dead letters', () => {
  const letters = [letter(3), letter(10, 'other'), letter(7), letter(1), letter(12, 'x', 'ALERTS')];

  it('pages newest first, counts every match, and points at the next page', () => {
    const first = pageOf(letters, { limit: 2 });
    expect(first.deadLetters.map((l) => l.id)).toEqual(['12', '10']);
    expect(first).toMatchObject({ total: 5, next: '10' });
    const second = pageOf(letters, { limit: 2, before: first.next });
    expect(second.deadLetters.map((l) => l.id)).toEqual(['7', '3']);
    const last = pageOf(letters, { limit: 2, before: second.next });
    expect(last.deadLetters.map((l) => l.id)).toEqual(['1']);
    expect(last.next).toBeUndefined();
  });

  it('filters by stream (any case) and consumer', () => {
    expect(pageOf(letters, { stream: 'registry' }).deadLetters.map((l) => l.id)).toEqual(['10', '7', '3', '1']);
    expect(pageOf(letters, { stream: 'REGISTRY', consumer: 'promotion_ingested' })).toMatchObject({ total: 3 });
    expect(pageOf(letters, { consumer: 'nobody' })).toEqual({ deadLetters: [], total: 0 });
  });

  it('refuses a limit outside 1 to 1,000 and a cursor that is not an id', () => {
    for (const query of [{ limit: 0 }, { limit: 1001 }, { limit: 1.5 }, { before: 'abc' }, { before: '0' }]) {
      expect(() => pageOf(letters, query)).toThrow(expect.objectContaining({ code: 'DEAD_LETTER_BAD_REQUEST' }));
    }
  });
});

describe('planning a redrive', () => {
  const found = [letter(9), letter(4), letter(6, 'other')];

  it('replays the chosen ids oldest first, each once', () => {
    expect(planRedrive({ ids: ['9', '4', '9'] }, found).map((l) => l.id)).toEqual(['4', '9']);
  });

  it('replays nothing when one id is unknown, and names it', () => {
    expect(() => planRedrive({ ids: ['4', '5', '8'] }, found)).toThrow(
      expect.objectContaining({ code: 'DEAD_LETTER_NOT_FOUND', message: 'dead letters 5, 8 are unknown or were redriven already' }),
    );
  });

  it('replays every match of --all, oldest first', () => {
    expect(planRedrive({ all: true }, found).map((l) => l.id)).toEqual(['4', '6', '9']);
    expect(planRedrive({ all: true, consumer: 'other' }, found).map((l) => l.id)).toEqual(['6']);
    expect(planRedrive({ all: true, stream: 'ALERTS' }, found)).toEqual([]);
  });

  it('refuses selections that are neither ids nor all', () => {
    const bad: unknown[] = [{}, { ids: [] }, { ids: ['x'] }, { all: false }, { all: 'yes' }, { ids: ['1'], all: true }, { ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }];
    for (const selection of bad) {
      expect(() => checkSelection(selection as never)).toThrow(expect.objectContaining({ code: 'DEAD_LETTER_BAD_REQUEST' }));
    }
  });
});

describe('the replayed message', () => {
  const stored: StoredDeadLetter = {
    summary: summaryOf('42', 'deadletter.registry.promotion_ingested', deadHeaders, new Date(), 3) as DeadLetterSummary,
    headers: deadHeaders,
    data: new Uint8Array([1, 2, 3]),
  };

  it('goes to the original subject with the original event id and headers, addressed to the consumer that gave up', () => {
    const replay = redriveMessageOf(stored);
    expect(replay).toEqual({
      subject: 'registry.evt.version.ingested',
      schema: 'palisade.v1.VersionIngested',
      dedupeId: 'redrive:DEADLETTER:42',
      data: new Uint8Array([1, 2, 3]),
      headers: {
        [MessageHeaders.eventId]: 'evt-1',
        [MessageHeaders.schema]: 'palisade.v1.VersionIngested',
        traceparent: deadHeaders.traceparent,
        'X-Custom': 'kept',
        [RedriveHeaders.redriveFor]: 'promotion_ingested',
        [RedriveHeaders.redrivenFrom]: '42',
      },
    });
  });

  it('loses its addressee when it is dead-lettered again, so readers of the DEADLETTER stream see that dead letter', () => {
    const { headers } = redriveMessageOf(stored);
    expect(keptOnDeadLetter(headers)).toEqual({ ...headers, [RedriveHeaders.redriveFor]: undefined });
    expect(RedriveHeaders.redriveFor in keptOnDeadLetter(headers)).toBe(false);
    expect(keptOnDeadLetter(headers)[RedriveHeaders.redrivenFrom]).toBe('42');
  });

  it('is skipped by every other consumer and handled by its own', () => {
    const { headers } = redriveMessageOf(stored);
    expect(redrivenToAnother(headers, 'promotion_ingested')).toBe(false);
    expect(redrivenToAnother(headers, 'recall_ingested')).toBe(true);
    expect(redrivenToAnother({}, 'recall_ingested')).toBe(false);
  });
});
