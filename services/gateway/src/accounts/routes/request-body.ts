import { RegistryHttpError } from '../../http/registry-errors';

/** The JSON object a route expects, or 400. */
export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'expected a JSON object body');
  }
  return body as Record<string, unknown>;
}

/** A string field or undefined (wrong types count as missing; callers say what is required). */
export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** A percent-encoded path segment, decoded; malformed encodings are the client's fault (400). */
export function decodeSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `malformed ${what} in the URL`);
  }
}

/**
 * Fields of an HTML form post: the platform parses `application/x-www-form-urlencoded` into an
 * object; a raw string or buffer is parsed here in case another parser is installed.
 */
export function formFields(body: unknown): Record<string, string> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return Object.fromEntries(new URLSearchParams(body.toString()));
  if (typeof body !== 'object' || body === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') fields[key] = first;
  }
  return fields;
}
