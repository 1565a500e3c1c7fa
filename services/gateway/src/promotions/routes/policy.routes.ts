import { Injectable } from '@nestjs/common';
import { assertAdmin, assertAuthenticated } from '../../accounts/permissions';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { PromotionClient } from '../promotion-client';
import { revisionJson } from '../promotion-json';
import { objectBody, optionalString, requiredString } from './promotion-target';

/** `GET /-/palisade/v1/policy[?view=<view>]`: the policy in force (normalised YAML) and its history. */
@Injectable()
export class PolicyShowRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/policy$/;

  constructor(private readonly promotion: PromotionClient) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    assertAuthenticated(await request.principal(), 'log in to read the promotion policy');
    const doc = await this.promotion.showPolicy(request.query.get('view') ?? '');
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { ...revisionJson(doc.revision), views: [...doc.views], onDemandViews: [...doc.onDemandViews], yaml: doc.yaml, history: doc.history.map(revisionJson) },
    };
  }
}

/**
 * `PUT /-/palisade/v1/policy` `{ "policy": "<yaml>", "dryRun"?, "comment"? }` (administrators):
 * stores the document as the next policy version, or, as a dry run, answers (and records) what it
 * would admit or refuse, changing nothing. 400 with `reasons` for an invalid document.
 */
@Injectable()
export class PolicyApplyRoute implements RegistryRoute {
  readonly method = 'PUT';
  readonly pattern = /^\/-\/palisade\/v1\/policy$/;

  constructor(private readonly promotion: PromotionClient) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await request.principal();
    assertAdmin(principal, 'change the promotion policy');
    const body = objectBody(request.body);
    const applied = await this.promotion.applyPolicy({
      yaml: requiredString(body, 'policy'),
      dryRun: body.dryRun === true,
      comment: optionalString(body, 'comment'),
      requestedBy: { principal: principal.user, tokenId: principal.tokenId },
    });
    return {
      status: 200,
      body: {
        changed: applied.changed,
        dryRun: applied.dryRun,
        dryRunId: applied.dryRunId || null,
        revision: revisionJson(applied.revision),
        changedViews: [...applied.changedViews],
        decisions: applied.decisions.map((d) => ({ name: d.name, version: d.version, view: d.view, outcome: d.outcome, reasons: [...d.reasons] })),
      },
    };
  }
}
