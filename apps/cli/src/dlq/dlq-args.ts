import { CONNECTION, connectionOf, parseCommandLine, type Connection } from '../command-line';
import { CliError, CliErrorCode } from '../cli-error';

export const DLQ_USAGE = `usage: palisade dlq list [--stream <stream>] [--consumer <consumer>] [--limit <n>] [--before <id>] [--json]
       palisade dlq show <id> [--json]
       palisade dlq redrive <id>... [--json]
       palisade dlq redrive --all [--stream <stream>] [--consumer <consumer>] [--json]

  Dead letters: messages a consumer gave up on (administrators only). A redrive replays each one to
  the consumer that dead-lettered it, and to no other, then removes it.

  --stream <stream>      only dead letters of this stream (REGISTRY, DOWNLOADS, ALERTS, ...)
  --consumer <consumer>  only those of this durable consumer (e.g. promotion_registry_evt_version_ingested)
  --limit <n>            list: page size, 1 to 1000 (default 50), newest first
  --before <id>          list: the next page (the id the previous page printed)
  --all                  redrive: every dead letter, or every one --stream / --consumer select
  --json                 print the registry's answer as JSON`;

export type DlqArgs =
  | { command: 'dlq-list'; stream: string; consumer: string; limit?: number; before: string; connection: Connection }
  | { command: 'dlq-show'; id: string; connection: Connection }
  | { command: 'dlq-redrive'; ids: string[]; all: boolean; stream: string; consumer: string; connection: Connection };

const ID = /^[1-9]\d{0,15}$/;
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** `palisade dlq …`: list, show, redrive. */
export function parseDlq(argv: readonly string[]): DlqArgs | { command: 'help'; usage: string } {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      ...CONNECTION,
      stream: { type: 'string' },
      consumer: { type: 'string' },
      limit: { type: 'string' },
      before: { type: 'string' },
      all: { type: 'boolean' },
    },
    DLQ_USAGE,
  );
  if (values.help) return { command: 'help', usage: DLQ_USAGE };
  const refuse = (what: string): never => {
    throw new CliError(CliErrorCode.Usage, `${what}\n\n${DLQ_USAGE}`);
  };
  const connection = connectionOf(values);
  const only = (sub: string, allowed: readonly string[]) => {
    const extra = ['stream', 'consumer', 'limit', 'before', 'all'].filter((o) => values[o as keyof typeof values] !== undefined && !allowed.includes(o));
    if (extra.length > 0) refuse(`dlq ${sub} does not take --${extra.join(', --')}`);
  };
  const name = (option: 'stream' | 'consumer') => {
    const value = values[option] ?? '';
    if (value && !NAME.test(value)) refuse(`--${option} must be a stream or consumer name (letters, digits, - and _), got ${JSON.stringify(value)}`);
    return value;
  };
  const ids = (list: readonly string[]) => list.map((id) => (ID.test(id) ? id : refuse(`${JSON.stringify(id)} is not a dead-letter id (the number dlq list prints)`)));
  const [verb, ...args] = positionals;
  switch (verb) {
    case 'list': {
      only('list', ['stream', 'consumer', 'limit', 'before']);
      if (args.length > 0) refuse('dlq list takes no arguments (filter with --stream and --consumer)');
      const limit = values.limit;
      if (limit !== undefined && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= 1_000)) refuse(`--limit must be a whole number from 1 to 1000 (got ${JSON.stringify(limit)})`);
      return {
        command: 'dlq-list',
        stream: name('stream'),
        consumer: name('consumer'),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
        before: values.before !== undefined ? ids([values.before])[0] : '',
        connection,
      };
    }
    case 'show':
      only('show', []);
      if (args.length !== 1) refuse('dlq show takes one <id>');
      return { command: 'dlq-show', id: ids(args)[0], connection };
    case 'redrive': {
      only('redrive', ['all', 'stream', 'consumer']);
      const all = values.all === true;
      if (all && args.length > 0) refuse('dlq redrive takes ids or --all, not both');
      if (!all && args.length === 0) refuse('dlq redrive needs one or more <id>, or --all');
      if (!all && (values.stream !== undefined || values.consumer !== undefined)) refuse('--stream and --consumer go with --all');
      return { command: 'dlq-redrive', ids: [...new Set(ids(args))], all, stream: name('stream'), consumer: name('consumer'), connection };
    }
    default:
      return refuse(verb === undefined ? 'dlq needs a command: list, show or redrive' : `unknown command dlq ${positionals.join(' ')}`);
  }
}
