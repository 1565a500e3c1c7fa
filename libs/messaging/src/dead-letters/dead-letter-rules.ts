import { DEAD_LETTER_STREAM } from '../bus';
import { MessageHeaders } from '../message';
import { DeadLetterError, DeadLetterErrorCodes, type DeadLetterFilter, type DeadLetterPage, type DeadLetterQuery, type DeadLetterSummary, type RedriveSelection, type StoredDeadLetter } from './dead-letter';

/** Headers of a redriven message: which consumer it is for, and which dead letter it replays. */
export const RedriveHeaders = {
  redriveFor: 'Palisade-Redrive-For',
  redrivenFrom: 'Palisade-Redriven-From',
} as const;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1_000;
/** Most ids one redrive call takes (`--all` has no limit). */
export const MAX_REDRIVE_IDS = 1_000;

/** Headers only the dead letter carries; a redriven message goes out without them. */
const DEAD_LETTER_ONLY_HEADERS: ReadonlySet<string> = new Set([
  MessageHeaders.errorCode,
  MessageHeaders.errorMessage,
  MessageHeaders.deadLetterSubject,
  MessageHeaders.deadLetterConsumer,
  MessageHeaders.deadLetterAttempts,
  MessageHeaders.eventId,
  RedriveHeaders.redriveFor,
  RedriveHeaders.redrivenFrom,
  // JetStream's own headers (a headers-only read adds the payload size).
  'Nats-Msg-Size',
  'Nats-Msg-Id',
  'Nats-Expected-Stream',
]);

/** A stream or consumer name as it may appear in a NATS subject token. */
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

const badRequest = (message: string) => new DeadLetterError(DeadLetterErrorCodes.badRequest, message);
const notFound = (ids: readonly string[]) =>
  new DeadLetterError(DeadLetterErrorCodes.notFound, ids.length === 1 ? `dead letter ${ids[0]} is unknown or was redriven already` : `dead letters ${ids.join(', ')} are unknown or were redriven already`);

export { notFound as deadLetterNotFound };

/** A dead-letter id: the positive sequence number of the dead letter in the `DEADLETTER` stream. */
export function checkDeadLetterId(id: string): string {
  if (!/^[1-9]\d{0,15}$/.test(id)) throw badRequest(`${JSON.stringify(String(id).slice(0, 40))} is not a dead-letter id (a sequence number such as 42)`);
  return id;
}

function checkFilter(filter: DeadLetterFilter): DeadLetterFilter {
  for (const key of ['stream', 'consumer'] as const) {
    const value = filter[key];
    if (value !== undefined && value !== '' && !NAME.test(value)) throw badRequest(`${key} ${JSON.stringify(value.slice(0, 140))} is not a stream or consumer name (letters, digits, - and _)`);
  }
  return { ...(filter.stream ? { stream: filter.stream } : {}), ...(filter.consumer ? { consumer: filter.consumer } : {}) };
}

/** The subject filter of the dead letters a filter selects (`deadletter.<stream>.<consumer>`, `*` for either). */
export function deadLetterSubjectFilter(filter: DeadLetterFilter): string {
  const checked = checkFilter(filter);
  return `deadletter.${checked.stream ? checked.stream.toLowerCase() : '*'}.${checked.consumer ?? '*'}`;
}

/** Whether a dead letter's subject is one the filter selects. */
export function matchesFilter(summary: Pick<DeadLetterSummary, 'stream' | 'consumer'>, filter: DeadLetterFilter): boolean {
  return (!filter.stream || filter.stream.toUpperCase() === summary.stream) && (!filter.consumer || filter.consumer === summary.consumer);
}

/** Stream and consumer of a dead-letter subject, `deadletter.<stream>.<consumer>`. */
export function parseDeadLetterSubject(subject: string): { stream: string; consumer: string } | undefined {
  const match = /^deadletter\.([^.]+)\.([^.]+)$/.exec(subject);
  return match ? { stream: match[1].toUpperCase(), consumer: match[2] } : undefined;
}

/** What a list shows of a stored dead letter (both adapters keep the same headers). */
export function summaryOf(id: string, subject: string, headers: Readonly<Record<string, string>>, storedAt: Date, payloadSize: number): DeadLetterSummary | undefined {
  const where = parseDeadLetterSubject(subject);
  if (!where) return undefined;
  const consumer = headers[MessageHeaders.deadLetterConsumer] || where.consumer;
  const eventId = headers[MessageHeaders.eventId] ?? '';
  const attempts = Number(headers[MessageHeaders.deadLetterAttempts]);
  return {
    id,
    stream: where.stream,
    consumer,
    subject: headers[MessageHeaders.deadLetterSubject] ?? '',
    // The dead letter's own id is `<consumer>:<original id>` (see `deadLetterMessageId`).
    messageId: originalIdOf(eventId, consumer),
    schema: headers[MessageHeaders.schema] ?? '',
    errorCode: headers[MessageHeaders.errorCode] ?? '',
    errorMessage: headers[MessageHeaders.errorMessage] ?? '',
    attempts: Number.isFinite(attempts) ? attempts : 0,
    deadLetteredAt: storedAt.toISOString(),
    payloadSize,
  };
}

function originalIdOf(eventId: string, consumer: string): string {
  const rest = eventId.startsWith(`${consumer}:`) ? eventId.slice(consumer.length + 1) : eventId;
  return rest.replace(/:redriven-\d+$/, '');
}

/**
 * The de-duplication id of a dead letter. A message replayed by a redrive that fails again gets
 * a new dead letter (the id names the dead letter it replays): with the plain id, JetStream would
 * drop it as a duplicate of the first within its de-duplication window, and it would be lost.
 */
export function deadLetterMessageId(durable: string, message: { id: string; headers: Readonly<Record<string, string>> }): string {
  const replayed = message.headers[RedriveHeaders.redrivenFrom];
  return replayed ? `${durable}:${message.id}:redriven-${replayed}` : `${durable}:${message.id}`;
}

/** Checks a list query and fills in its defaults. */
export function checkQuery(query: DeadLetterQuery = {}): Required<Pick<DeadLetterQuery, 'limit'>> & DeadLetterQuery {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw badRequest(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  if (query.before !== undefined) checkDeadLetterId(query.before);
  return { ...checkFilter(query), limit, ...(query.before !== undefined ? { before: query.before } : {}) };
}

const newestFirst = (a: DeadLetterSummary, b: DeadLetterSummary) => Number(b.id) - Number(a.id);

/** One page, newest first, of the dead letters matching the query's filter. */
export function pageOf(matching: readonly DeadLetterSummary[], query: DeadLetterQuery = {}): DeadLetterPage {
  const { limit, before, ...filter } = checkQuery(query);
  const selected = matching.filter((s) => matchesFilter(s, filter)).sort(newestFirst);
  const below = before === undefined ? selected : selected.filter((s) => Number(s.id) < Number(before));
  const page = below.slice(0, limit);
  return { deadLetters: page, total: selected.length, ...(below.length > limit ? { next: page[page.length - 1].id } : {}) };
}

/** Checks a redrive selection: some ids (at most 1,000, each a sequence number) or `all`, with an optional filter. */
export function checkSelection(selection: RedriveSelection): RedriveSelection {
  if ('ids' in selection) {
    if ('all' in selection) throw badRequest('redrive either ids or all, not both');
    if (!Array.isArray(selection.ids) || selection.ids.length === 0) throw badRequest('ids must list at least one dead-letter id');
    if (selection.ids.length > MAX_REDRIVE_IDS) throw badRequest(`at most ${MAX_REDRIVE_IDS} ids per redrive (use all with a stream or consumer)`);
    return { ids: [...new Set(selection.ids.map((id) => checkDeadLetterId(String(id))))] };
  }
  if ((selection as { all?: unknown }).all !== true) throw badRequest('redrive needs ids, or all: true');
  return { all: true, ...checkFilter(selection) };
}

/**
 * Which dead letters a redrive replays, oldest first (the order the consumer first saw them):
 * for ids, every one must be among `found` or nothing is replayed; for `all`, those of `found`
 * the filter selects.
 */
export function planRedrive(selection: RedriveSelection, found: readonly DeadLetterSummary[]): DeadLetterSummary[] {
  const checked = checkSelection(selection);
  const oldestFirst = [...found].sort((a, b) => Number(a.id) - Number(b.id));
  if ('ids' in checked) {
    const byId = new Map(oldestFirst.map((s) => [s.id, s]));
    const unknown = checked.ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw notFound(unknown);
    const wanted = new Set(checked.ids);
    return oldestFirst.filter((s) => wanted.has(s.id));
  }
  return oldestFirst.filter((s) => matchesFilter(s, checked));
}

/**
 * The message a redrive publishes for a dead letter: the original subject, payload and headers
 * (trace context included), the original event id (so the consumer's inbox still de-duplicates),
 * and `Palisade-Redrive-For: <consumer>`. Every other consumer of the subject acknowledges it
 * without running its handler (`redrivenToAnother`): they handled the original already.
 * `dedupeId` is stable per dead letter, so concurrent redrives of one dead letter publish it once.
 */
export function redriveMessageOf(letter: StoredDeadLetter): { subject: string; schema: string; dedupeId: string; headers: Record<string, string>; data: Uint8Array } {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(letter.headers)) if (!DEAD_LETTER_ONLY_HEADERS.has(key)) headers[key] = value;
  const { summary } = letter;
  headers[MessageHeaders.eventId] = summary.messageId;
  headers[MessageHeaders.schema] = summary.schema;
  headers[RedriveHeaders.redriveFor] = summary.consumer;
  headers[RedriveHeaders.redrivenFrom] = summary.id;
  return { subject: summary.subject, schema: summary.schema, dedupeId: `redrive:${DEAD_LETTER_STREAM.name}:${summary.id}`, headers, data: letter.data };
}

/**
 * The headers a dead letter keeps of the message it stores: all but `Palisade-Redrive-For`, which
 * would make every consumer of the `DEADLETTER` stream skip the dead letter of a failed replay.
 */
export function keptOnDeadLetter(headers: Readonly<Record<string, string>>): Record<string, string> {
  const { [RedriveHeaders.redriveFor]: _target, ...kept } = headers;
  return kept;
}

/** True for a redriven message meant for another consumer: this one acknowledges it unhandled. */
export function redrivenToAnother(headers: Readonly<Record<string, string>>, durable: string): boolean {
  const target = headers[RedriveHeaders.redriveFor];
  return target !== undefined && target !== durable;
}
