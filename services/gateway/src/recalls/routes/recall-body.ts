import * as semver from 'semver';
import validate from 'validate-npm-package-name';
import { Severity } from '@palisade/contracts';
import { isRecord } from '../../packages/domain/json-shapes';
import { RegistryHttpError } from '../../http/registry-errors';
import { decodeSegment } from '../../accounts/routes/request-body';
import { optionalString } from '../../promotions/routes/promotion-target';

export { objectBody, optionalString, requiredString } from '../../promotions/routes/promotion-target';

const bad = (detail: string) => new RegistryHttpError('PAL_ERR_BAD_REQUEST', detail);

/** A body that may be left out entirely (`{}`), else a JSON object. */
export function optionalObjectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (!isRecord(body)) throw bad('expected a JSON object body');
  return body;
}

/** A string field, at most `max` characters. */
export function boundedString(body: Record<string, unknown>, field: string, max: number, required = false): string {
  const value = optionalString(body, field);
  if (required && !value.trim()) throw bad(`${field} is required`);
  if (value.length > max) throw bad(`${field} is longer than ${max} characters`);
  return value;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw bad(`${field} must be true or false`);
  return value;
}

export const SEVERITY_WORDS = ['info', 'low', 'medium', 'high', 'critical'] as const;
const SEVERITY_OF: Readonly<Record<(typeof SEVERITY_WORDS)[number], Severity>> = {
  info: Severity.INFO,
  low: Severity.LOW,
  medium: Severity.MEDIUM,
  high: Severity.HIGH,
  critical: Severity.CRITICAL,
};

export function requiredSeverity(body: Record<string, unknown>): Severity {
  const word = body.severity;
  if (typeof word !== 'string' || !(SEVERITY_WORDS as readonly string[]).includes(word)) {
    throw bad(`severity is required: one of ${SEVERITY_WORDS.join(', ')}`);
  }
  return SEVERITY_OF[word as (typeof SEVERITY_WORDS)[number]];
}

/** A view of this registry, or 400 naming the views there are. */
export function knownView(view: string, views: readonly string[], field = 'view'): string {
  if (!views.includes(view)) throw bad(`${field} ${JSON.stringify(view)} is not a view of this registry (${views.join(', ')})`);
  return view;
}

/** Optional `views`: a list of this registry's views, without repeats; empty means every view. */
export function optionalViews(body: Record<string, unknown>, views: readonly string[]): string[] {
  const value = body.views;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw bad('views must be a list of view names');
  return [...new Set(value.map((v) => knownView(v, views, 'views entry')))];
}

export function packageName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !value) throw bad(`${field} is required`);
  if (!validate(value).validForOldPackages) throw new RegistryHttpError('PAL_ERR_INVALID_NAME', JSON.stringify(value));
  return value;
}

/** What a recall covers: exact versions and/or a semver range of one package. */
export interface RecallTarget {
  name: string;
  versions: string[];
  versionRange: string;
}

/**
 * `{"spec": "name@range"}` (an exact version or a range), or `{"name", "versions": [...]}` and/or
 * `{"name", "range"}`.
 */
export function recallTarget(body: Record<string, unknown>): RecallTarget {
  if (body.spec !== undefined) {
    if (body.name !== undefined || body.versions !== undefined || body.range !== undefined) throw bad('give either spec, or name with versions and/or range');
    if (typeof body.spec !== 'string') throw bad('spec must be a string: <name>@<version or range>');
    const at = body.spec.lastIndexOf('@');
    if (at <= 0) throw bad(`spec must be <name>@<version or range>, got ${JSON.stringify(body.spec)}`);
    const name = packageName(body.spec.slice(0, at), 'spec');
    const wanted = body.spec.slice(at + 1).trim();
    const exact = semver.valid(wanted);
    if (exact) return { name, versions: [exact], versionRange: '' };
    return { name, versions: [], versionRange: range(wanted) };
  }
  const name = packageName(body.name);
  const versions = body.versions === undefined || body.versions === null ? [] : exactVersions(body.versions);
  const versionRange = body.range === undefined || body.range === null || body.range === '' ? '' : range(body.range);
  if (versions.length === 0 && !versionRange) throw bad('versions (a list of exact versions) or range is required');
  return { name, versions, versionRange };
}

function exactVersions(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw bad('versions must be a list of exact versions');
  const invalid = value.filter((v) => semver.valid(v) === null);
  if (invalid.length > 0) throw bad(`versions must be exact versions (not ${invalid.map((v) => JSON.stringify(v)).join(', ')}); use range for ranges`);
  return [...new Set(value.map((v) => semver.valid(v) as string))];
}

function range(value: unknown): string {
  if (typeof value !== 'string' || !value.trim() || value.length > 256 || semver.validRange(value) === null) {
    throw bad(`${JSON.stringify(value)} is neither a version nor a semver range`);
  }
  return value.trim();
}

/** Waivers last at most this long (the recall service's limit too). */
export const MAX_WAIVER_SECONDS = 30 * 24 * 3600;
const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/** `duration`: whole seconds, or `24h`, `90m`, `7d`, `1h30m`; at most 30 days. */
export function waiverSeconds(value: unknown): number {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = Number.isInteger(value) ? value : undefined;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) seconds = Number(value.trim());
  else if (typeof value === 'string' && /^(?:\d+[dhms])+$/.test(value.trim())) {
    seconds = [...value.trim().matchAll(/(\d+)([dhms])/g)].reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_SECONDS[unit], 0);
  }
  if (seconds === undefined) throw bad('duration is required: whole seconds, or a duration such as 24h, 90m, 7d');
  if (seconds < 1 || seconds > MAX_WAIVER_SECONDS) throw bad(`duration must be between 1 second and 30 days (got ${seconds} s)`);
  return seconds;
}

/** A case or override id from the path: decoded, printable, bounded. */
export function idParam(raw: string | undefined, what: string): string {
  const id = decodeSegment(raw ?? '', what);
  if (!/^[\x21-\x7e]{1,200}$/.test(id)) throw bad(`malformed ${what} ${JSON.stringify(id)}`);
  return id;
}

/** A whole number query parameter within bounds, or `fallback` when absent. */
export function intQuery(query: URLSearchParams, field: string, min: number, max: number, fallback: number): number {
  const raw = query.get(field);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw bad(`${field} must be a whole number from ${min} to ${max}`);
  return Number(raw);
}
