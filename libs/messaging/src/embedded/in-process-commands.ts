import type { CommandHandler, RequestOptions, Subscription } from '../bus';
import type { Reply } from '../message';
import { CommandError, CommandErrorCodes, errorReplyHeaders } from '../command-error';
import { currentTraceHeaders, handleInServerSpan } from '../trace-context';

/** Request/reply inside one process, with the same timeouts and typed errors as over NATS. */
export class InProcessCommands {
  private readonly handlers = new Map<string, CommandHandler[]>();
  private turn = 0;

  serve(subject: string, handler: CommandHandler): Subscription {
    const list = this.handlers.get(subject) ?? [];
    list.push(handler);
    this.handlers.set(subject, list);
    let running = true;
    return {
      name: `serve:${subject}`,
      isRunning: () => running,
      stop: async () => {
        running = false;
        const remaining = (this.handlers.get(subject) ?? []).filter((h) => h !== handler);
        if (remaining.length) this.handlers.set(subject, remaining);
        else this.handlers.delete(subject);
      },
    };
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<Reply> {
    const list = this.handlers.get(subject);
    if (!list?.length) throw new CommandError(CommandErrorCodes.noResponders, `no service answers ${subject}`, subject);
    const handler = list[this.turn++ % list.length];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CommandError(CommandErrorCodes.timeout, `${subject} did not answer within ${options.timeoutMs} ms`, subject)), options.timeoutMs);
    });
    try {
      const headers = { ...currentTraceHeaders(), ...options.headers };
      const reply = await Promise.race([handleInServerSpan(subject, headers, () => handler({ data, headers })), timeout]);
      return { data: reply, headers: {} };
    } catch (error: unknown) {
      if (error instanceof CommandError) throw error;
      // Same shape as an error reply over NATS: the responder's code survives, the stack does not.
      throw CommandError.parse(subject, errorReplyHeaders(error)) as CommandError;
    } finally {
      clearTimeout(timer);
    }
  }

  get subjects(): string[] {
    return [...this.handlers.keys()];
  }
}
