import { isRecord } from '../../packages/domain/json-shapes';
import { RegistryHttpError } from '../../http/registry-errors';
import { parseVersionSpec } from '../../http/version-spec';

/** `<name>@<version>` of the path, or 400. */
export function versionParam(raw: string | undefined): { name: string; version: string } {
  const spec = parseVersionSpec(raw ?? '');
  if (!spec) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `expected <name>@<version>, got ${JSON.stringify(raw ?? '')}`);
  return spec;
}

/** A JSON object body, or 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'expected a JSON object body');
  return body;
}

/** An optional string field of a body, or 400 when it is something else. */
export function optionalString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `${field} must be a string`);
  return value;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field);
  if (!value) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `${field} is required`);
  return value;
}
