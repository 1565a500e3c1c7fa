import { Injectable } from '@nestjs/common';
import { assertCanWrite } from '../../accounts/permissions';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { PromotionClient } from '../promotion-client';
import { promotionJson } from '../promotion-json';
import { answeringRefusals } from '../promotion-refusal';
import { objectBody, optionalString, requiredString, versionParam } from './promotion-target';

/**
 * `POST /-/palisade/v1/promotions/<name>@<version>` `{ "to": "prod", "reason"?, "dryRun"? }`:
 * asks the target view to admit the version. 200 with `status` admitted, pending-approval,
 * pending or already-admitted; 422 `PAL_ERR_POLICY_REFUSED` with `reasons` when the policy refuses.
 */
@Injectable()
export class PromoteRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/promotions\/(?<spec>.+)$/;

  constructor(private readonly promotion: PromotionClient) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const { name, version } = versionParam(params.spec);
    const principal = await request.principal();
    assertCanWrite(principal, name);
    const body = objectBody(request.body);
    return answeringRefusals(async () => {
      const accepted = await this.promotion.promote({
        name,
        version,
        view: requiredString(body, 'to'),
        reason: optionalString(body, 'reason'),
        dryRun: body.dryRun === true,
        requestedBy: { principal: principal.user, tokenId: principal.tokenId },
      });
      return { status: 200, body: promotionJson(accepted) };
    });
  }
}
