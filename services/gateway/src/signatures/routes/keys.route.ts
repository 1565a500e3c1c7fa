import { Injectable } from '@nestjs/common';
import type { RegistryReply, RegistryRoute } from '../../http/registry-request';
import { RegistryHttpError } from '../../http/registry-errors';
import { REVOKED_EXPIRES, type NpmKey } from '../domain/npm-keys';
import { SignatureStore, type PublicRegistryKey } from '../store/signature-store';

/**
 * `GET /-/npm/v1/keys` under every view: the registry's public keys, for `npm audit signatures`.
 * Before the signing service published any key it is 404, which npm reads as "this registry
 * does not sign" rather than as an error.
 */
@Injectable()
export class KeysRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/npm\/v1\/keys$/;

  constructor(private readonly store: SignatureStore) {}

  async handle(): Promise<RegistryReply> {
    const keys = await this.store.keys();
    if (keys.length === 0) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', 'this registry has no signing keys yet');
    return {
      status: 200,
      // Short: a rotation or revocation must reach verifiers soon.
      headers: { 'cache-control': 'public, max-age=60' },
      body: {
        keys: keys.map(npmKey),
      },
    };
  }
}

export function npmKey(k: PublicRegistryKey): NpmKey {
  const expires = k.revoked ? REVOKED_EXPIRES : k.expires ? k.expires.toISOString() : null;
  return { expires, keyid: k.keyid, keytype: k.keytype, scheme: k.scheme, key: k.key };
}
