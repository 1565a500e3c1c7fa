import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { RegistryHttpError } from '../../http/registry-errors';
import { parseVersionSpec } from '../../http/version-spec';
import { SigningClient } from '../signing-client';

/**
 * `GET /-/palisade/v1/attestations/<name>@<version>`: Palisade's own attestations (DSSE envelopes
 * with their inclusion receipts). Never in `dist.attestations`: npm would demand public Sigstore
 * log entries for keyed attestations and refuse the version.
 */
@Injectable()
export class AttestationsRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/attestations\/(?<spec>.+)$/;

  constructor(private readonly signing: SigningClient) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    const spec = parseVersionSpec(params.spec);
    if (!spec) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `expected <name>@<version>, got ${JSON.stringify(params.spec)}`);
    const found = await this.signing.attestations(spec.name, spec.version);
    if (found.length === 0) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', `no attestations of ${spec.name}@${spec.version}`);
    return {
      status: 200,
      // Short: admissions to further views add attestations.
      headers: { 'cache-control': 'public, max-age=60' },
      body: {
        // The view addressed: `palisade verify` requires the admission attestation of this view.
        view: request.view,
        // Parsed and re-serialised: JSON.parse keeps key order, so the envelope's log bytes survive.
        attestations: found.map((a) => ({ predicateType: a.predicateType, envelope: JSON.parse(a.envelopeJson) as unknown, logEntry: JSON.parse(a.logEntryJson) as unknown })),
      },
    };
  }
}
