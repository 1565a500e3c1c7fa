import { parseCliArgs } from '../cli-args';

describe('palisade dlq arguments', () => {
  it('parses list, show and redrive', () => {
    expect(parseCliArgs(['dlq', 'list'])).toEqual({ command: 'dlq-list', stream: '', consumer: '', before: '', connection: { json: false } });
    expect(parseCliArgs(['dlq', 'list', '--stream', 'REGISTRY', '--consumer', 'promotion_ingested', '--limit', '20', '--before', '42', '--json'])).toEqual({
      command: 'dlq-list',
      stream: 'REGISTRY',
      consumer: 'promotion_ingested',
      limit: 20,
      before: '42',
      connection: { json: true },
    });
    expect(parseCliArgs(['dlq', 'show', '42', '--registry', 'http://127.0.0.1:4873/', '--token', 't'])).toEqual({
      command: 'dlq-show',
      id: '42',
      connection: { registry: 'http://127.0.0.1:4873/', token: 't', json: false },
    });
    expect(parseCliArgs(['dlq', 'redrive', '42', '43', '42'])).toMatchObject({ command: 'dlq-redrive', ids: ['42', '43'], all: false });
    expect(parseCliArgs(['dlq', 'redrive', '--all', '--consumer', 'recall_ingested'])).toMatchObject({ command: 'dlq-redrive', ids: [], all: true, stream: '', consumer: 'recall_ingested' });
    expect(parseCliArgs(['dlq', '--help'])).toMatchObject({ command: 'help', usage: expect.stringContaining('palisade dlq redrive --all') });
  });

  it.each([
    [['dlq'], 'dlq needs a command'],
    [['dlq', 'purge'], 'unknown command dlq purge'],
    [['dlq', 'show'], 'dlq show takes one <id>'],
    [['dlq', 'show', 'abc'], '"abc" is not a dead-letter id'],
    [['dlq', 'redrive'], 'dlq redrive needs one or more <id>, or --all'],
    [['dlq', 'redrive', '1', '--all'], 'dlq redrive takes ids or --all, not both'],
    [['dlq', 'redrive', '1', '--consumer', 'c'], '--stream and --consumer go with --all'],
    [['dlq', 'redrive', '--all', '--limit', '3'], 'dlq redrive does not take --limit'],
    [['dlq', 'list', '--limit', '0'], '--limit must be a whole number from 1 to 1000'],
    [['dlq', 'list', '--consumer', 'a.b'], '--consumer must be a stream or consumer name'],
    [['dlq', 'list', 'extra'], 'dlq list takes no arguments'],
    [['dlq', 'list', '--registry', 'not a url'], '--registry not a url is not a URL'],
    [['dlq', 'show', '1', '--all'], 'dlq show does not take --all'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(expect.objectContaining({ code: 'CLI_USAGE', message: expect.stringContaining(message) }));
  });
});
