import { Injectable } from '@nestjs/common';
import { PackageReader } from '../../packages/store/package-reader';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { PromotionClient } from '../promotion-client';
import { promotionJson } from '../promotion-json';
import { optionalString, promotionTarget } from './promotion-target';

/**
 * `POST /-/palisade/v1/promotions/<name>@<version>` `{ "to": "prod", "reason"?, "dryRun"? }`:
 * asks the target view to admit the version (maintainers of the package and administrators only). 200 with `status` admitted, pending-approval,
 * pending or already-admitted; 422 `PAL_ERR_POLICY_REFUSED` with `reasons` when the policy refuses.
 */
@Injectable()
export class PromoteRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/promotions\/(?<spec>.+)$/;

  constructor(
    private readonly promotion: PromotionClient,
    private readonly reader: PackageReader,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const { name, version, view, body, actor } = await promotionTarget(request, params, this.reader);
    const accepted = await this.promotion.promote({ name, version, view, reason: optionalString(body, 'reason'), dryRun: body.dryRun === true, requestedBy: actor });
    return { status: 200, body: promotionJson(accepted) };
  }
}
