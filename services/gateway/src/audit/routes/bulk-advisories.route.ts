import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { bulkAuditResponse, parseBulkBody } from '../domain/bulk-audit';
import { ScanningClient } from '../scanning-client';

/** `POST /-/npm/v1/security/advisories/bulk` — what `npm audit` asks (gzip body, decoded by the gzip hook). */
@Injectable()
export class BulkAdvisoriesRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/npm\/v1\/security\/advisories\/bulk$/;

  constructor(private readonly scanning: ScanningClient) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const result = await this.scanning.audit(parseBulkBody(request.body));
    return { status: 200, body: bulkAuditResponse(result), headers: { 'cache-control': 'no-store', 'x-palisade-advisory-db': result.advisoryDbVersion } };
  }
}
