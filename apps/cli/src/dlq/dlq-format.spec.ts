import { deadLetterOf, formatDeadLetter, formatList, formatRedrive, listAnswerOf, redriveAnswerOf, type DeadLetterEntry } from './dlq-format';

const entry = (id: string, more: Partial<DeadLetterEntry> = {}): DeadLetterEntry => ({
  id,
  stream: 'REGISTRY',
  consumer: 'promotion_ingested',
  subject: 'registry.evt.version.ingested',
  messageId: `evt-${id}`,
  schema: 'palisade.v1.VersionIngested',
  errorCode: 'HANDLER_FAILED',
  errorMessage: 'the policy\nfile is broken',
  attempts: 5,
  deadLetteredAt: '2026-12-07T00:10:00.000Z',
  payloadSize: 120,
  ...more,
});

describe('palisade dlq output', () => {
  it('lists dead letters one per line, and says how to get the next page', () => {
    const text = formatList(listAnswerOf({ deadLetters: [entry('120'), entry('7', { attempts: 1 })], total: 3, next: '7' }), (before) => `palisade dlq list --before ${before}`);
    expect(text.split('\n')).toEqual([
      '3 dead letters, 2 shown (newest first)',
      '120  2026-12-07T00:10:00.000Z  REGISTRY/promotion_ingested  registry.evt.version.ingested  HANDLER_FAILED after 5 attempts: the policy file is broken',
      '  7  2026-12-07T00:10:00.000Z  REGISTRY/promotion_ingested  registry.evt.version.ingested  HANDLER_FAILED after 1 attempt: the policy file is broken',
      'more: palisade dlq list --before 7',
    ]);
    expect(formatList({ deadLetters: [], total: 0 }, String)).toBe('no dead letters');
  });

  it('shows one dead letter with its headers and payload, and the command that replays it', () => {
    const text = formatDeadLetter(deadLetterOf({ ...entry('42'), headers: { 'Palisade-Error-Code': 'HANDLER_FAILED', 'A-First': 'x' }, payload: { name: '@acme/widget' } }));
    expect(text).toContain('dead letter 42\n  stream         REGISTRY\n  consumer       promotion_ingested');
    expect(text).toContain('headers:\n  A-First: x\n  Palisade-Error-Code: HANDLER_FAILED\npayload:\n  {\n    "name": "@acme/widget"\n  }');
    expect(text.endsWith('replay it to promotion_ingested: palisade dlq redrive 42')).toBe(true);
    expect(formatDeadLetter(deadLetterOf({ ...entry('42'), headers: {}, payloadNote: 'schema x is not in the contract registry' }))).toContain('payload not shown: schema x is not in the contract registry');
  });

  it('reports what a redrive replayed', () => {
    expect(formatRedrive(redriveAnswerOf({ redriven: [entry('4')], alreadyRedriven: ['5'] })).split('\n')).toEqual([
      'redrove 1 dead letter, each to the consumer that dead-lettered it:',
      '  4  promotion_ingested  registry.evt.version.ingested  (message evt-4)',
      'already redriven by another request: 5',
    ]);
    expect(formatRedrive({ redriven: [], alreadyRedriven: [] })).toBe('nothing to redrive');
  });

  it('refuses answers that are not what the registry sends', () => {
    for (const parse of [listAnswerOf, deadLetterOf, redriveAnswerOf]) {
      expect(() => parse({ unexpected: true })).toThrow(expect.objectContaining({ code: 'CLI_REGISTRY' }));
    }
    expect(() => deadLetterOf(entry('1'))).toThrow(expect.objectContaining({ code: 'CLI_REGISTRY' }));
  });
});
