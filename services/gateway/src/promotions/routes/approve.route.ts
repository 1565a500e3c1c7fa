import { Injectable } from '@nestjs/common';
import { assertCanWrite } from '../../accounts/permissions';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { PromotionClient } from '../promotion-client';
import { promotionJson } from '../promotion-json';
import { answeringRefusals } from '../promotion-refusal';
import { objectBody, optionalString, requiredString, versionParam } from './promotion-target';

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
    const { name, version } = versionParam(params.spec);
    const principal = await request.principal();
    assertCanWrite(principal, name);
    const body = objectBody(request.body);
    return answeringRefusals(async () => {
      const accepted = await this.promotion.approve({
        name,
        version,
        view: requiredString(body, 'to'),
        comment: optionalString(body, 'comment'),
        approver: { principal: principal.user, tokenId: principal.tokenId },
      });
      return { status: 200, body: promotionJson(accepted) };
    });
  }
}
