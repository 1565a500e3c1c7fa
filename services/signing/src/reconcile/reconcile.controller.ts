import { Controller, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Commands, Events } from '@palisade/contracts';
import { answerServiceReconcile, likeLiteral, type Reply, type ReplayRoute } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { VersionEventsController } from '../signatures/version-events.controller';

/**
 * registry.cmd.signing.reconcile — signs a version whose ingested event never reached the signer,
 * attests an admission whose promoted event never did, and hands back its `version.signed` events.
 * The signer and the log append stay idempotent on their own (one signature per name, version and
 * integrity), so a replay can never sign or log twice.
 */
@Controller()
export class SigningReconcileController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  @MessagePattern(Commands.signingReconcile.subject)
  async reconcile(@Payload() request: Reply): Promise<Uint8Array> {
    const events = this.moduleRef.get(VersionEventsController, { strict: false });
    const routes: ReplayRoute[] = [
      { subject: Events.versionIngested.subject, consumer: 'signing.version-ingested', handle: (m) => events.onIngested(m) },
      { subject: Events.versionPromoted.subject, consumer: 'signing.version-promoted', handle: (m) => events.onPromoted(m) },
    ];
    return answerServiceReconcile(
      { dataSource: this.dataSource, routes, publishedIdPatterns: (name, version) => [`version-signed:${likeLiteral(`${name}@${version}`)}:%`] },
      request.data,
    );
  }
}
