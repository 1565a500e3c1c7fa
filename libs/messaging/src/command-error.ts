import { PalisadeError } from '@palisade/errors';
import { MessageHeaders } from './message';

export const CommandErrorCodes = {
  timeout: 'COMMAND_TIMEOUT',
  noResponders: 'COMMAND_NO_RESPONDERS',
  /** The bus was disconnected from its broker when the command was to be sent: it was not sent. */
  busUnavailable: 'COMMAND_BUS_UNAVAILABLE',
  failed: 'COMMAND_FAILED',
} as const;

/**
 * A command that failed on the other side, or never got an answer. Remote failures keep the
 * responder's own code, which travels as a header rather than as free text (nats.js services style).
 */
export class CommandError extends PalisadeError {
  constructor(
    code: string,
    message: string,
    readonly subject: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }

  /** Turns an error reply back into a typed error, or null when the reply is a success. */
  static parse(subject: string, headers: Readonly<Record<string, string>>): CommandError | null {
    const code = headers[MessageHeaders.errorCode];
    if (!code) return null;
    return new CommandError(code, headers[MessageHeaders.errorMessage] ?? code, subject);
  }
}

export function errorReplyHeaders(error: unknown): Record<string, string> {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : CommandErrorCodes.failed;
  const message = error instanceof Error ? error.message : String(error);
  // Header values are single-line; a multi-line message would corrupt the header block.
  return { [MessageHeaders.errorCode]: code, [MessageHeaders.errorMessage]: message.replace(/[\r\n]+/g, ' ').slice(0, 1024) };
}
