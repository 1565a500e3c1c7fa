import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal, RegistryRequest } from '../../http/registry-request';
import type { PackageReader } from '../store/package-reader';
import { assertCanWrite, assertMaintainer } from '../domain/write-permission';

/**
 * The caller of a change to an existing package: authenticated, allowed to write the name, and
 * one of its maintainers (or an admin). Unknown packages are 404 once the caller is known.
 */
export async function maintainerOf(request: RegistryRequest, reader: PackageReader, name: string): Promise<Principal> {
  const principal = await request.principal();
  assertCanWrite(principal, name);
  const ownership = await reader.ownershipOf(name);
  if (!ownership.exists) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name);
  assertMaintainer(principal, name, ownership.maintainers);
  return principal;
}

export function actorOf(principal: Principal): { principal: string; tokenId: string } {
  return { principal: principal.user, tokenId: principal.tokenId };
}
