import { Injectable } from '@nestjs/common';
import { assertAuthenticated, assertCanWrite } from '../accounts/permissions';
import { RegistryHttpError } from '../http/registry-errors';
import type { Principal, RegistryRequest } from '../http/registry-request';
import { PackageReader } from '../packages/store/package-reader';
import { RecallClient } from './recall-client';

/**
 * Who may do what with recalls. Every route needs a valid token; opening a case and acting on one
 * (overrides, approvals, closing) need a token that may write the package, held by an
 * administrator or one of the package's maintainers; for a case, the package is its first
 * affected one. That nobody approves their own override is the recall service's rule.
 */
@Injectable()
export class RecallAccess {
  constructor(
    private readonly reader: PackageReader,
    private readonly recalls: RecallClient,
  ) {}

  async caller(request: RegistryRequest, action: string): Promise<Principal> {
    const principal = await request.principal();
    assertAuthenticated(principal, `log in to ${action}`);
    return principal;
  }

  /** Throws unless the principal may open or change recalls of `name`. */
  async assertMayRecall(principal: Principal, name: string, action: string): Promise<void> {
    assertCanWrite(principal, name);
    if (principal.admin) return;
    const { maintainers } = await this.reader.ownershipOf(name);
    if (!maintainers.some((m) => m.name === principal.user)) {
      throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `${principal.user} is not a maintainer of ${name}; only its maintainers and administrators may ${action}`);
    }
  }

  /** Throws unless the principal may act on the case (404 when there is no such case). */
  async assertMayActOn(principal: Principal, recallId: string, action: string): Promise<void> {
    // A read-only token is refused before anything is asked of the recall service.
    if (principal.readonly) throw new RegistryHttpError('PAL_ERR_TOKEN_READONLY', `cannot ${action}`);
    if (principal.admin) return;
    const recall = await this.recalls.show(recallId);
    const name = recall.affected[0]?.name;
    if (!name) throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `recall ${recallId} names no package; only administrators may ${action}`);
    await this.assertMayRecall(principal, name, action);
  }

  /** Alerts are for administrators (a read-only administrator token will do). */
  assertAdminReader(principal: Principal, action: string): void {
    if (!principal.admin) throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `only administrators may ${action}`);
  }
}
