import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { PromotionClient } from '../promotion-client';
import { promotionJson } from '../promotion-json';
import { optionalString, promotionTarget } from './promotion-target';

/**
 * `POST /-/palisade/v1/approvals/<name>@<version>` `{ "to": "prod", "comment"? }`: the caller
 * approves the promotion (and thereby requests it). 403 when the caller may not approve (not in
 * the policy's team, or the version's publisher).
 */
@Injectable()
export class ApproveRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/approvals\/(?<spec>.+)$/;

  constructor(private readonly promotion: PromotionClient) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const { name, version, view, body, actor } = await promotionTarget(request, params);
    const accepted = await this.promotion.approve({ name, version, view, comment: optionalString(body, 'comment'), approver: actor });
    return { status: 200, body: promotionJson(accepted) };
  }
}
