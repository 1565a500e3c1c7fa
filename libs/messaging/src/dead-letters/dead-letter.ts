import { PalisadeError } from '@palisade/errors';

/** One dead letter as a list shows it. `id` is its sequence number in the `DEADLETTER` stream (decimal). */
export interface DeadLetterSummary {
  id: string;
  /** Stream of the original message, as the dead-letter subject names it (upper case). */
  stream: string;
  /** Durable consumer whose handler gave up on the message. */
  consumer: string;
  /** Subject of the original message. */
  subject: string;
  /** Event id of the original message (what a consumer's inbox records). */
  messageId: string;
  schema: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  /** When it was dead-lettered (ISO 8601). */
  deadLetteredAt: string;
  payloadSize: number;
}

/** One dead letter in full: its headers, and its payload as JSON when the schema registry can decode it. */
export interface DeadLetter extends DeadLetterSummary {
  headers: Record<string, string>;
  /** The payload as JSON (protobuf JSON of a contract message, or an alert's CloudEvent); absent when not decodable. */
  payload?: unknown;
  /** Why `payload` is absent. */
  payloadNote?: string;
}

/** What a dead-letter store of an adapter holds: its payload too. */
export interface StoredDeadLetter {
  summary: DeadLetterSummary;
  headers: Record<string, string>;
  data: Uint8Array;
}

export interface DeadLetterFilter {
  /** Original stream (any case). */
  stream?: string;
  consumer?: string;
}

export interface DeadLetterQuery extends DeadLetterFilter {
  /** Page size (1 to 1,000; default 50). */
  limit?: number;
  /** Only dead letters older than this id: the previous page's `next`. */
  before?: string;
}

export interface DeadLetterPage {
  /** Newest first. */
  deadLetters: DeadLetterSummary[];
  /** How many dead letters match the filter, on every page. */
  total: number;
  /** Pass as `before` for the next page; absent on the last one. */
  next?: string;
}

/** Redrive these dead letters, or every one matching a filter. */
export type RedriveSelection = { ids: readonly string[] } | ({ all: true } & DeadLetterFilter);

export interface RedriveResult {
  /** Dead letters replayed to their consumer by this call, oldest first. */
  redriven: DeadLetterSummary[];
  /** Ids another redrive took between the look-up and the replay (replayed once, by it). */
  alreadyRedriven: string[];
}

/** The dead-letter port of the bus: inspect dead letters and replay them to the consumer that gave up. */
export interface DeadLetterQueue {
  list(query?: DeadLetterQuery): Promise<DeadLetterPage>;
  /** Throws `DEAD_LETTER_NOT_FOUND` for an unknown (or already redriven) id. */
  show(id: string): Promise<DeadLetter>;
  /**
   * Re-delivers each selected message to the consumer that dead-lettered it, and to no other,
   * then removes the dead letter. Unknown ids throw `DEAD_LETTER_NOT_FOUND` before anything is
   * replayed; a bad selection throws `DEAD_LETTER_BAD_REQUEST`.
   */
  redrive(selection: RedriveSelection): Promise<RedriveResult>;
}

export const DeadLetterErrorCodes = {
  notFound: 'DEAD_LETTER_NOT_FOUND',
  badRequest: 'DEAD_LETTER_BAD_REQUEST',
} as const;

export type DeadLetterErrorCode = (typeof DeadLetterErrorCodes)[keyof typeof DeadLetterErrorCodes];

export class DeadLetterError extends PalisadeError<DeadLetterErrorCode> {}

export function isDeadLetterError(error: unknown): error is DeadLetterError {
  return error instanceof DeadLetterError;
}
