import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@palisade/config';
import { PalisadeError } from '@palisade/errors';
import { LOGGER, SERVICE_CONFIG } from '@palisade/platform';
import { gatewaySettings } from '../../gateway.config';
import { UNRESTRICTED_GRANT } from '../credentials/token-grant';
import { displayPrefixOf, tokenKeyOf } from '../credentials/token-secret';
import { TokenStore } from '../store/token-store';
import { UserStore } from '../store/user-store';

export const BOOTSTRAP_USER = 'admin';
const BOOTSTRAP_EMAIL = 'admin@palisade.invalid';
const MIN_BOOTSTRAP_TOKEN_LENGTH = 16;

/**
 * Seeds the administrator from PALISADE_BOOTSTRAP_TOKEN at start: user `admin` with the admin
 * flag, and the token's hash as its token. Idempotent across restarts and concurrent replicas.
 * A bootstrap token someone revoked stays revoked: revocation wins over configuration.
 */
@Injectable()
export class BootstrapAdmin implements OnModuleInit {
  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenStore,
    @Inject(SERVICE_CONFIG) private readonly config: Readonly<Record<string, unknown>>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const token = gatewaySettings(this.config).bootstrapToken;
    if (token === undefined) return;
    if (token.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
      throw new PalisadeError('GATEWAY_BOOTSTRAP_TOKEN_WEAK', `PALISADE_BOOTSTRAP_TOKEN must have at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters`);
    }
    await this.users.ensureAdmin(BOOTSTRAP_USER, BOOTSTRAP_EMAIL);
    const key = tokenKeyOf(token);
    const created = await this.tokens.insert({ ...UNRESTRICTED_GRANT, key, user: BOOTSTRAP_USER, kind: 'bootstrap', displayPrefix: displayPrefixOf(token), name: 'bootstrap' });
    const keyPrefix = key.slice(0, 8);
    if (created) {
      this.logger.info({ user: BOOTSTRAP_USER, keyPrefix }, 'bootstrap admin token stored');
      return;
    }
    const existing = await this.tokens.find(key);
    if (existing && existing.user !== BOOTSTRAP_USER) {
      throw new PalisadeError('GATEWAY_BOOTSTRAP_TOKEN_TAKEN', 'PALISADE_BOOTSTRAP_TOKEN equals a token of another user; choose a new value');
    }
    if (existing?.revoked) this.logger.warn({ keyPrefix }, 'the bootstrap token was revoked and stays revoked; unset PALISADE_BOOTSTRAP_TOKEN or set a new value');
  }
}
