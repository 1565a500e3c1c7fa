import { Injectable } from '@nestjs/common';
import { alertFilterProblem } from '@palisade/contracts';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { RecallAccess } from '../recall-access';
import { RecallClient } from '../recall-client';
import { alertJson } from '../recall-json';
import { intQuery } from './recall-body';

/**
 * `GET /-/palisade/v1/alerts?after=<seq>&subject=<filter>&limit=` (administrators): alerts recorded
 * after a sequence number, oldest first, each with its CloudEvents envelope:
 * `{ "alerts": [{ "seq", "subject", "event" }], "lastSeq" }` (sequences as strings); pass `lastSeq`
 * as `after` to follow. Without `after`, the newest `limit` alerts.
 */
@Injectable()
export class AlertsRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/alerts$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'read alerts');
    this.access.assertAdminReader(principal, 'read alerts');
    const after = request.query.get('after') ?? '';
    if (after && !/^\d{1,20}$/.test(after)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'after must be a sequence number (a whole number)');
    const subjectFilter = request.query.get('subject') ?? '';
    const problem = subjectFilter ? (subjectFilter.length > 256 ? 'too long' : alertFilterProblem(subjectFilter)) : undefined;
    if (problem) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `subject ${JSON.stringify(subjectFilter.slice(0, 256))} is not an alert subject filter such as alerts.recall.>: ${problem}`);
    const limit = intQuery(request.query, 'limit', 1, 1_000, 0);
    const reply = await this.recalls.alerts({ after: BigInt(after || '0'), subjectFilter, limit });
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: { alerts: reply.alerts.map(alertJson), lastSeq: reply.lastSeq.toString() } };
  }
}
