import { Inject, Injectable } from '@nestjs/common';
import type { GatewaySettings } from '../../gateway.config';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { GATEWAY_SETTINGS } from '../../packages/application/gateway-settings.provider';
import { RecallAccess } from '../recall-access';
import { RecallClient } from '../recall-client';
import { caseJson, openedJson } from '../recall-json';
import {
  boundedString,
  idParam,
  intQuery,
  knownView,
  objectBody,
  optionalBoolean,
  optionalObjectBody,
  optionalViews,
  recallTarget,
  requiredSeverity,
  waiverSeconds,
} from './recall-body';
import { RegistryHttpError } from '../../http/registry-errors';

const NO_STORE = { 'cache-control': 'no-store' };
const MAX_REASON = 2_000;
const RECALL_STATUSES = ['open', 'contained', 'closed'];

const actorOf = (principal: { user: string; tokenId: string }) => ({ principal: principal.user, tokenId: principal.tokenId });

/**
 * `POST /-/palisade/v1/recalls` `{ "spec": "name@range" }` or `{ "name", "versions"?, "range"? }`,
 * with `reason`, `severity` (info … critical), `views`? (default every view), `drill`?: opens a
 * recall case (a drill changes nothing). 201 with the case.
 */
@Injectable()
export class OpenRecallRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/recalls$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'open a recall');
    const body = objectBody(request.body);
    const target = recallTarget(body);
    const reason = boundedString(body, 'reason', MAX_REASON, true);
    const severity = requiredSeverity(body);
    const views = optionalViews(body, this.settings.views);
    const drill = optionalBoolean(body, 'drill');
    await this.access.assertMayRecall(principal, target.name, 'open a recall of it');
    const accepted = await this.recalls.open({ ...target, reason, severity, views, drill, requestedBy: actorOf(principal) });
    return { status: 201, headers: NO_STORE, body: openedJson(accepted) };
  }
}

/** `GET /-/palisade/v1/recalls?name=&status=open|contained|closed&limit=`: cases, newest first (summaries). */
@Injectable()
export class ListRecallsRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/recalls$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    await this.access.caller(request, 'read recalls');
    const name = request.query.get('name') ?? '';
    const status = request.query.get('status') ?? '';
    if (status && !RECALL_STATUSES.includes(status)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `status must be one of ${RECALL_STATUSES.join(', ')}`);
    if (name.length > 214) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'name is longer than a package name can be');
    const limit = intQuery(request.query, 'limit', 1, 1_000, 0);
    const list = await this.recalls.list({ name, status, limit });
    return { status: 200, headers: NO_STORE, body: { recalls: list.recalls.map(caseJson) } };
  }
}

/** `GET /-/palisade/v1/recalls/<id>`: one case in full (timeline, enforcement, exposures, suggestions, overrides). */
@Injectable()
export class ShowRecallRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/recalls\/(?<id>[^/]+)$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    await this.access.caller(request, 'read recalls');
    const recall = await this.recalls.show(idParam(params.id, 'recall id'));
    return { status: 200, headers: NO_STORE, body: caseJson(recall) };
  }
}

/**
 * `POST /-/palisade/v1/recalls/<id>/overrides` `{ "kind": "waiver", "view", "duration": "24h" | seconds,
 * "reason" }` or `{ "kind": "false-positive", "reason" }`: asks to lower protection; it takes effect
 * once another person approves. 202 with the case (the override pending).
 */
@Injectable()
export class RequestOverrideRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/recalls\/(?<id>[^/]+)\/overrides$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'request a recall override');
    const recallId = idParam(params.id, 'recall id');
    const body = objectBody(request.body);
    const kind = body.kind;
    const reason = boundedString(body, 'reason', MAX_REASON, true);
    let waiver = { view: '', durationSeconds: 0 };
    if (kind === 'waiver') {
      waiver = { view: knownView(boundedString(body, 'view', 100, true), this.settings.views), durationSeconds: waiverSeconds(body.duration) };
    } else if (kind === 'false-positive') {
      if (body.view !== undefined || body.duration !== undefined) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'a false positive releases every view for good: view and duration do not apply');
    } else {
      throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'kind is required: waiver or false-positive');
    }
    await this.access.assertMayActOn(principal, recallId, 'request overrides of this recall');
    const changed = await this.recalls.requestOverride({ recallId, kind, reason, ...waiver, requestedBy: actorOf(principal) });
    return { status: 202, headers: NO_STORE, body: caseJson(changed) };
  }
}

/** `POST /-/palisade/v1/recalls/<id>/overrides/<overrideId>/approve` `{ "comment"? }`: a second person approves. 200 with the case. */
@Injectable()
export class ApproveOverrideRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/recalls\/(?<id>[^/]+)\/overrides\/(?<overrideId>[^/]+)\/approve$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'approve a recall override');
    const recallId = idParam(params.id, 'recall id');
    const overrideId = idParam(params.overrideId, 'override id');
    const comment = boundedString(optionalObjectBody(request.body), 'comment', MAX_REASON);
    await this.access.assertMayActOn(principal, recallId, 'approve overrides of this recall');
    const changed = await this.recalls.approveOverride({ recallId, overrideId, comment, approver: actorOf(principal) });
    return { status: 200, headers: NO_STORE, body: caseJson(changed) };
  }
}

/** `POST /-/palisade/v1/recalls/<id>/close` `{ "reason" }`: closes the case, its quarantines kept. 200 with the case. */
@Injectable()
export class CloseRecallRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/recalls\/(?<id>[^/]+)\/close$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
  ) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'close a recall');
    const recallId = idParam(params.id, 'recall id');
    const reason = boundedString(objectBody(request.body), 'reason', MAX_REASON, true);
    await this.access.assertMayActOn(principal, recallId, 'close this recall');
    const changed = await this.recalls.close({ recallId, reason, closedBy: actorOf(principal) });
    return { status: 200, headers: NO_STORE, body: caseJson(changed) };
  }
}
