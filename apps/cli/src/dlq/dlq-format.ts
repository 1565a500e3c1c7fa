import { CliError, CliErrorCode } from '../cli-error';

/** A dead letter as the registry lists it (`GET /-/palisade/v1/dead-letters`). */
export interface DeadLetterEntry {
  id: string;
  stream: string;
  consumer: string;
  subject: string;
  messageId: string;
  schema: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  deadLetteredAt: string;
  payloadSize: number;
}

export interface DeadLetterListAnswer {
  deadLetters: DeadLetterEntry[];
  total: number;
  next?: string;
}

export interface DeadLetterAnswer extends DeadLetterEntry {
  headers: Record<string, string>;
  payload?: unknown;
  payloadNote?: string;
}

export interface RedriveAnswer {
  redriven: DeadLetterEntry[];
  alreadyRedriven: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function unexpected(what: string): never {
  throw new CliError(CliErrorCode.Registry, `the registry answered something that is not ${what}`);
}

function entryOf(value: unknown): DeadLetterEntry {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.consumer !== 'string' || typeof value.subject !== 'string') unexpected('a dead letter');
  return value as unknown as DeadLetterEntry;
}

export function listAnswerOf(json: unknown): DeadLetterListAnswer {
  if (!isObject(json) || !Array.isArray(json.deadLetters) || typeof json.total !== 'number') unexpected('a dead-letter list');
  return { deadLetters: json.deadLetters.map(entryOf), total: json.total, ...(typeof json.next === 'string' ? { next: json.next } : {}) };
}

export function deadLetterOf(json: unknown): DeadLetterAnswer {
  const entry = entryOf(json);
  const headers = (json as { headers?: unknown }).headers;
  if (!isObject(headers)) unexpected('a dead letter with its headers');
  return { ...(json as DeadLetterAnswer), ...entry };
}

export function redriveAnswerOf(json: unknown): RedriveAnswer {
  if (!isObject(json) || !Array.isArray(json.redriven) || !Array.isArray(json.alreadyRedriven)) unexpected('a redrive result');
  return { redriven: json.redriven.map(entryOf), alreadyRedriven: json.alreadyRedriven.map(String) };
}

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `<id>  <time>  <stream>/<consumer>  <subject>  <code> after <n> attempt(s): <message>` per dead letter, newest first. */
export function formatList(answer: DeadLetterListAnswer, nextCommand: (before: string) => string): string {
  if (answer.total === 0) return 'no dead letters';
  const lines = [`${plural(answer.total, 'dead letter')}${answer.deadLetters.length < answer.total ? `, ${answer.deadLetters.length} shown` : ''} (newest first)`];
  const width = Math.max(...answer.deadLetters.map((d) => d.id.length), 2);
  for (const d of answer.deadLetters) {
    lines.push(
      `${d.id.padStart(width)}  ${d.deadLetteredAt}  ${d.stream}/${d.consumer}  ${d.subject}  ${d.errorCode} after ${plural(d.attempts, 'attempt')}: ${oneLine(d.errorMessage, 100)}`,
    );
  }
  if (answer.next) lines.push(`more: ${nextCommand(answer.next)}`);
  return lines.join('\n');
}

export function formatDeadLetter(d: DeadLetterAnswer): string {
  const lines = [
    `dead letter ${d.id}`,
    `  stream         ${d.stream}`,
    `  consumer       ${d.consumer}`,
    `  subject        ${d.subject}`,
    `  message id     ${d.messageId}`,
    `  schema         ${d.schema || '(none)'}`,
    `  error          ${d.errorCode}: ${d.errorMessage}`,
    `  attempts       ${d.attempts}`,
    `  dead-lettered  ${d.deadLetteredAt}`,
    `  payload        ${plural(d.payloadSize, 'byte')}`,
    'headers:',
    ...Object.entries(d.headers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `  ${key}: ${value}`),
  ];
  if (d.payload !== undefined) lines.push('payload:', ...JSON.stringify(d.payload, null, 2).split('\n').map((line) => `  ${line}`));
  else lines.push(`payload not shown: ${d.payloadNote ?? 'not decodable'}`);
  lines.push(`replay it to ${d.consumer}: palisade dlq redrive ${d.id}`);
  return lines.join('\n');
}

export function formatRedrive(answer: RedriveAnswer): string {
  if (answer.redriven.length === 0 && answer.alreadyRedriven.length === 0) return 'nothing to redrive';
  const lines: string[] = [];
  if (answer.redriven.length > 0) {
    lines.push(`redrove ${plural(answer.redriven.length, 'dead letter')}, each to the consumer that dead-lettered it:`);
    for (const d of answer.redriven) lines.push(`  ${d.id}  ${d.consumer}  ${d.subject}  (message ${d.messageId})`);
  }
  if (answer.alreadyRedriven.length > 0) lines.push(`already redriven by another request: ${answer.alreadyRedriven.join(', ')}`);
  return lines.join('\n');
}
