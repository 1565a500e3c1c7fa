import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal } from '../../http/registry-request';
import type { Maintainer } from './package-record';

// Token rules (anonymous → 401, read-only, package allow-lists) are the accounts module's.
export { assertCanWrite } from '../../accounts/permissions';

/** Changes to an existing package are for its maintainers (and admins). */
export function assertMaintainer(principal: Principal, name: string, maintainers: readonly Maintainer[]): void {
  if (principal.admin || maintainers.some((m) => m.name === principal.user)) return;
  throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `${principal.user} is not a maintainer of ${name}`);
}
