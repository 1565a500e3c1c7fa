import { AdminClient } from '../admin/admin-client';
import { resolveConnection, type ConfigSources } from '../admin/registry-config';
import type { DlqArgs } from './dlq-args';
import { deadLetterOf, formatDeadLetter, formatList, formatRedrive, listAnswerOf, redriveAnswerOf } from './dlq-format';

/** Runs one `palisade dlq` command; answers what to print (the registry's JSON with `--json`). */
export async function runDlqCommand(args: DlqArgs, sources: ConfigSources): Promise<string> {
  const client = new AdminClient(await resolveConnection(args.connection, sources));
  // The answer is checked before it is printed, JSON or not.
  const show = <T>(answer: unknown, parse: (json: unknown) => T, format: (a: T) => string) => {
    const parsed = parse(answer);
    return args.connection.json ? JSON.stringify(answer, null, 2) : format(parsed);
  };
  switch (args.command) {
    case 'dlq-list': {
      const filter = { stream: args.stream, consumer: args.consumer };
      const next = (before: string) =>
        ['palisade dlq list', ...(args.stream ? [`--stream ${args.stream}`] : []), ...(args.consumer ? [`--consumer ${args.consumer}`] : []), ...(args.limit ? [`--limit ${args.limit}`] : []), `--before ${before}`].join(' ');
      return show(await client.listDeadLetters({ ...filter, limit: args.limit, before: args.before }), listAnswerOf, (a) => formatList(a, next));
    }
    case 'dlq-show':
      return show(await client.showDeadLetter(args.id), deadLetterOf, formatDeadLetter);
    case 'dlq-redrive':
      return show(
        await client.redriveDeadLetters(args.all ? { all: true, ...(args.stream ? { stream: args.stream } : {}), ...(args.consumer ? { consumer: args.consumer } : {}) } : { ids: args.ids }),
        redriveAnswerOf,
        formatRedrive,
      );
  }
}
