import { assertCanWrite } from '../../accounts/permissions';
import type { RegistryRequest, RouteParams } from '../../http/registry-request';
import { isRecord } from '../../packages/domain/json-shapes';
import { RegistryHttpError } from '../../http/registry-errors';
import { parseVersionSpec } from '../../http/version-spec';
import type { PackageReader } from '../../packages/store/package-reader';

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

export interface PromotionTarget {
  name: string;
  version: string;
  /** The view asked for (`to`). */
  view: string;
  body: Record<string, unknown>;
  actor: { principal: string; tokenId: string };
}

/**
 * What promote and approve both start from: the version in the path, a caller whose token may
 * write it, the target view. With `maintainers` (promote), the caller must also be one of the
 * package's maintainers or an administrator; approvals are governed by the policy's team instead.
 */
export async function promotionTarget(request: RegistryRequest, params: RouteParams, maintainers?: PackageReader): Promise<PromotionTarget> {
  const { name, version } = versionParam(params.spec);
  const principal = await request.principal();
  assertCanWrite(principal, name);
  if (maintainers && !principal.admin) {
    const ownership = await maintainers.ownershipOf(name);
    if (!ownership.maintainers.some((m) => m.name === principal.user)) {
      throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `${principal.user} is not a maintainer of ${name}; only its maintainers and administrators may request its promotion`);
    }
  }
  const body = objectBody(request.body);
  return { name, version, view: requiredString(body, 'to'), body, actor: { principal: principal.user, tokenId: principal.tokenId } };
}
