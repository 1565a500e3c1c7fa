import { Controller, Get, Headers, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from '@palisade/config';
import { isPalisadeError } from '@palisade/errors';
import { LOGGER, SERVICE_CONFIG, checkAdminToken } from '@palisade/platform';
import { KeyRingService } from '../keys/key-ring.service';
import { npmPublicKey, type RegistryKeyState } from '../keys/key-ring';
import { signingSettings } from '../signing.config';
import type { SigningErrorCode } from '../signing-error';

const STATUS: Partial<Record<SigningErrorCode, number>> = { SIGNING_KEY_NOT_FOUND: 404, SIGNING_KEY_ACTIVE: 409 };

/**
 * The signing admin API on the service's own port: rotate and revoke registry keys. One shared
 * bearer token (PALISADE_SIGNING_ADMIN_TOKEN); keep the port off public networks.
 */
@Controller('-/palisade/v1/keys')
export class KeysAdminController {
  private readonly adminToken: string | undefined;

  constructor(
    private readonly keyRing: KeyRingService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) config: Readonly<Record<string, unknown>>,
  ) {
    this.adminToken = signingSettings(config).adminToken;
  }

  /** The key ring with its bookkeeping (status, retirement, revocation); public halves only. */
  @Get()
  async list(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, 200, () => this.keyRing.keys());
  }

  @Post('rotate')
  async rotate(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, 201, () => this.keyRing.rotate('admin'));
  }

  @Post(':keyid/revoke')
  async revoke(@Param('keyid') keyid: string, @Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    await this.run(authorization, reply, 200, () => this.keyRing.revoke(keyid, 'admin'));
  }

  private async run(authorization: string | undefined, reply: FastifyReply, status: number, action: () => Promise<RegistryKeyState[]>): Promise<void> {
    const check = checkAdminToken(this.adminToken, authorization);
    if (check === 'disabled') {
      await reply.status(503).send({ code: 'SIGNING_ADMIN_DISABLED', message: 'set PALISADE_SIGNING_ADMIN_TOKEN to use the signing admin API' });
      return;
    }
    if (check === 'unauthorized') {
      await reply.status(401).header('www-authenticate', 'Bearer').send({ code: 'SIGNING_ADMIN_UNAUTHORIZED', message: 'a valid admin bearer token is required' });
      return;
    }
    try {
      await reply.status(status).header('cache-control', 'no-store').send({ keys: (await action()).map(adminView) });
    } catch (error: unknown) {
      if (isPalisadeError(error) && STATUS[error.code as SigningErrorCode] !== undefined) {
        await reply.status(STATUS[error.code as SigningErrorCode] as number).send({ code: error.code, message: error.message });
        return;
      }
      this.logger.error({ err: error }, 'signing admin request failed');
      await reply.status(500).send({ code: 'SIGNING_INTERNAL', message: 'internal error' });
    }
  }
}

function adminView(key: RegistryKeyState) {
  return {
    ...npmPublicKey(key),
    status: key.status,
    created: key.createdAt.toISOString(),
    ...(key.retiredAt ? { retired: key.retiredAt.toISOString() } : {}),
    ...(key.revokedAt ? { revoked: key.revokedAt.toISOString() } : {}),
  };
}
