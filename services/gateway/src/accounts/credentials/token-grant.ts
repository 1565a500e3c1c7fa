import validatePackageName from 'validate-npm-package-name';
import { ipInRanges, isIpv4Cidr } from './cidr';

/** What a new token may do, from `npm token create` (classic and npm 11 granular fields). */
export interface TokenGrant {
  readonly: boolean;
  cidrWhitelist: string[] | null;
  name: string | null;
  description: string | null;
  expiresAt: Date | null;
  /** Exact package names the token may write; null = no package restriction. */
  packages: string[] | null;
  /** Scopes (`@acme`) the token may write; null = no scope restriction. */
  scopes: string[] | null;
}

export const UNRESTRICTED_GRANT: TokenGrant = Object.freeze({
  readonly: false,
  cidrWhitelist: null,
  name: null,
  description: null,
  expiresAt: null,
  packages: null,
  scopes: null,
});

const DAY_MS = 86_400_000;
const MAX_LIFETIME_DAYS = 3650;
const SCOPE = /^@?([a-z0-9][a-z0-9._~-]*)$/;

/** `packages` and `scopes` of a token as one allow-list (`@scope` entries and exact names), or undefined. */
export function allowListOf(grant: Pick<TokenGrant, 'packages' | 'scopes'>): string[] | undefined {
  const entries = [...(grant.scopes ?? []), ...(grant.packages ?? [])];
  return entries.length > 0 ? entries : undefined;
}

/** One body field and a way to record why it is unusable (which yields null). */
type Field = { value: unknown; fail(problem: string): null };

function optionalString(field: Field, label: string, max: number): string | null {
  if (field.value === undefined || field.value === null || field.value === '') return null;
  if (typeof field.value !== 'string') return field.fail(`${label} must be a string`);
  if (field.value.length > max) return field.fail(`${label} must have at most ${max} characters`);
  return field.value;
}

/** npm sends list options as an array, or as one string when given once; commas separate too. */
function stringList(field: Field, label: string): string[] | null {
  const { value } = field;
  if (value === undefined || value === null) return null;
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!items || items.some((item) => typeof item !== 'string')) return field.fail(`${label} must be a list of strings`);
  const list = (items as string[]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item.length > 0);
  if (list.length > 100) return field.fail(`${label} may have at most 100 entries`);
  return list.length > 0 ? list : null;
}

function expiry(field: Field, now: Date): Date | null {
  const { value } = field;
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIFETIME_DAYS) {
      return field.fail(`expires must be a whole number of days between 1 and ${MAX_LIFETIME_DAYS}`);
    }
    return new Date(now.getTime() + value * DAY_MS);
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) {
    const at = new Date(value);
    if (at.getTime() <= now.getTime()) return field.fail('expires must be in the future');
    if (at.getTime() > now.getTime() + MAX_LIFETIME_DAYS * DAY_MS) return field.fail(`expires must be within ${MAX_LIFETIME_DAYS} days`);
    return at;
  }
  return field.fail('expires must be a number of days or an ISO date');
}

/**
 * Reads the body of `POST /-/npm/v1/tokens`. Fields npm 11 may send that Palisade has no use
 * for (`orgs`, `orgs_permission`, `bypass_2fa`) are accepted and ignored; missing ones default.
 * Returns every problem at once rather than the first.
 */
export function parseTokenRequest(body: unknown, now: Date): { password: string; grant: TokenGrant } | { problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problems: ['body must be a JSON object'] };
  const input = body as Record<string, unknown>;
  const problems: string[] = [];
  const field = (key: string): Field => ({ value: input[key], fail: (problem) => (problems.push(problem), null) });

  const password = typeof input.password === 'string' && input.password.length > 0 ? input.password : undefined;
  if (password === undefined) problems.push('password is required');

  if (input.readonly !== undefined && input.readonly !== null && typeof input.readonly !== 'boolean') problems.push('readonly must be true or false');
  const permission = input.packages_and_scopes_permission;
  if (permission !== undefined && permission !== null && !['read-only', 'read-write', 'no-access'].includes(permission as string)) {
    problems.push('packages_and_scopes_permission must be read-only, read-write or no-access');
  }
  // "no-access" to packages leaves a token that can only read: the closest Palisade has.
  const readonly = input.readonly === true || permission === 'read-only' || permission === 'no-access';

  const cidrWhitelist = stringList(field('cidr_whitelist'), 'cidr_whitelist');
  for (const range of cidrWhitelist ?? []) if (!isIpv4Cidr(range)) problems.push(`cidr_whitelist entry ${JSON.stringify(range)} is not an IPv4 CIDR range`);

  const all = input.packages_all === true;
  const packages = all ? null : stringList(field('packages'), 'packages');
  for (const name of packages ?? []) if (!validatePackageName(name).validForOldPackages) problems.push(`packages entry ${JSON.stringify(name)} is not a package name`);
  const scopes = all ? null : stringList(field('scopes'), 'scopes');
  for (const scope of scopes ?? []) if (!SCOPE.test(scope)) problems.push(`scopes entry ${JSON.stringify(scope)} is not a scope`);

  const grant: TokenGrant = {
    readonly,
    cidrWhitelist,
    name: optionalString(field('name'), 'name', 128),
    description: optionalString(field('description'), 'description', 1024),
    expiresAt: expiry(field('expires'), now),
    packages,
    scopes: scopes?.map((scope) => `@${scope.replace(/^@/, '')}`) ?? null,
  };
  if (problems.length > 0 || password === undefined) return { problems };
  return { password, grant };
}

/** What the credential creating a token may do: its own grant (a password alone has every right). */
export type CreatorRights = Pick<TokenGrant, 'readonly' | 'cidrWhitelist' | 'packages' | 'scopes' | 'expiresAt'>;

/** True when every address of `inner` (an IPv4 CIDR range) lies in one of `outer`. */
function rangeWithin(inner: string, outer: readonly string[]): boolean {
  const [base, bits] = inner.split('/');
  return outer.some((range) => Number(range.split('/')[1]) <= Number(bits) && ipInRanges(base, [range]));
}

/**
 * The grant of a new token, never more than the credential creating it: a read-only creator
 * cannot mint a writing token, a CIDR-limited one cannot widen its addresses, a package-limited
 * one cannot reach other packages, and the new token expires no later than its creator. Left
 * out, a limit is inherited; asked wider, the answer is the list of escalations (refused: 403).
 */
export function narrowGrant(requested: TokenGrant, creator: CreatorRights): { grant: TokenGrant } | { escalations: string[] } {
  const escalations: string[] = [];
  if (creator.readonly && !requested.readonly) escalations.push('a read-only token can only create read-only tokens (npm token create --read-only)');

  let cidrWhitelist = requested.cidrWhitelist;
  if (creator.cidrWhitelist) {
    if (cidrWhitelist === null) cidrWhitelist = [...creator.cidrWhitelist];
    else {
      const outside = cidrWhitelist.filter((range) => !rangeWithin(range, creator.cidrWhitelist as string[]));
      if (outside.length > 0) escalations.push(`the creating token is limited to ${creator.cidrWhitelist.join(', ')}; ${outside.join(', ')} lies outside`);
    }
  }

  let { packages, scopes } = requested;
  const allowed = allowListOf(creator);
  if (allowed) {
    if (packages === null && scopes === null) [packages, scopes] = [creator.packages ? [...creator.packages] : null, creator.scopes ? [...creator.scopes] : null];
    else {
      const covers = (name: string) => tokenAllowListCovers(allowed, name);
      const beyond = [...(scopes ?? []).filter((scope) => !allowed.includes(scope)), ...(packages ?? []).filter((name) => !covers(name))];
      if (beyond.length > 0) escalations.push(`the creating token is limited to ${allowed.join(', ')}; ${beyond.join(', ')} lies outside`);
    }
  }

  let { expiresAt } = requested;
  if (creator.expiresAt && (expiresAt === null || expiresAt.getTime() > creator.expiresAt.getTime())) expiresAt = creator.expiresAt;

  if (escalations.length > 0) return { escalations };
  return { grant: { ...requested, readonly: requested.readonly || creator.readonly, cidrWhitelist, packages, scopes, expiresAt } };
}

/** The allow-list rule of `tokenCovers`: an `@scope` entry covers the scope's packages, a name itself. */
function tokenAllowListCovers(allowed: readonly string[], name: string): boolean {
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  return allowed.some((entry) => (entry.startsWith('@') && !entry.includes('/') ? entry === scope : entry === name));
}
