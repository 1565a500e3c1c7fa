import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { flattenQuickBody, quickAuditResponse } from '../domain/quick-audit';
import { ScanningClient } from '../scanning-client';

/** `POST /-/npm/v1/security/audits/quick` — npm's legacy audit, its fallback when bulk fails. */
@Injectable()
export class QuickAuditRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/npm\/v1\/security\/audits(?:\/quick)?$/;

  constructor(private readonly scanning: ScanningClient) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const installed = flattenQuickBody(request.body);
    const result = await this.scanning.audit([...installed].map(([name, versions]) => ({ name, versions: [...versions.keys()] })));
    return { status: 200, body: quickAuditResponse(installed, result), headers: { 'cache-control': 'no-store' } };
  }
}
