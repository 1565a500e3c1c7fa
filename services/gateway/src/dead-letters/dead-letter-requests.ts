import { DeadLetterErrorCodes, isDeadLetterError, type DeadLetterQuery, type RedriveSelection } from '@palisade/messaging';
import { RegistryHttpError } from '../http/registry-errors';
import { isRecord } from '../packages/domain/json-shapes';

const bad = (detail: string) => new RegistryHttpError('PAL_ERR_BAD_REQUEST', detail);

/** `?stream=&consumer=&limit=&before=` of the list route; the messaging rules check the values. */
export function listQueryOf(query: URLSearchParams): DeadLetterQuery {
  const limit = query.get('limit');
  if (limit !== null && !/^\d{1,7}$/.test(limit)) throw bad('limit must be a whole number from 1 to 1000');
  const text = (name: string) => query.get(name) || undefined;
  const stream = text('stream');
  const consumer = text('consumer');
  const before = text('before');
  return { ...(stream ? { stream } : {}), ...(consumer ? { consumer } : {}), ...(before ? { before } : {}), ...(limit !== null ? { limit: Number(limit) } : {}) };
}

/** `{ "ids": ["42", …] }` or `{ "all": true, "stream"?, "consumer"? }` (ids may be numbers too). */
export function redriveSelectionOf(body: unknown): RedriveSelection {
  if (!isRecord(body)) throw bad('expected a JSON object: { "ids": [...] } or { "all": true, "stream"?, "consumer"? }');
  const extra = Object.keys(body).filter((key) => !['ids', 'all', 'stream', 'consumer'].includes(key));
  if (extra.length > 0) throw bad(`unknown field ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  if (body.ids !== undefined) {
    if (body.all !== undefined || body.stream !== undefined || body.consumer !== undefined) throw bad('ids cannot be combined with all, stream or consumer');
    if (!Array.isArray(body.ids) || !body.ids.every((id) => typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) throw bad('ids must be a list of dead-letter ids');
    return { ids: body.ids.map(String) };
  }
  if (body.all !== true) throw bad('redrive needs "ids", or "all": true');
  for (const field of ['stream', 'consumer'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') throw bad(`${field} must be a string`);
  }
  return { all: true, ...(body.stream ? { stream: body.stream as string } : {}), ...(body.consumer ? { consumer: body.consumer as string } : {}) };
}

/** The messaging port's refusals as registry errors: unknown id 404, bad input 400; anything else as it is. */
export function asRegistryError(error: unknown): unknown {
  if (!isDeadLetterError(error)) return error;
  return new RegistryHttpError(error.code === DeadLetterErrorCodes.notFound ? 'PAL_ERR_NOT_FOUND' : 'PAL_ERR_BAD_REQUEST', error.message, { cause: error });
}
