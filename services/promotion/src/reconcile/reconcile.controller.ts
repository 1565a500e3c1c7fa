import { Controller, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Commands, Events } from '@palisade/contracts';
import { answerServiceReconcile, likeLiteral, type Reply, type ReplayRoute } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { VersionEventsHandler } from '../handlers/version-events.handler';

/**
 * registry.cmd.promotion.reconcile — records the ingest, scan and signature facts promotion
 * missed (each has the version decided again, as when the event arrives) and hands back its
 * `version.promoted` and `version.dismissed` events. Deciding is idempotent: an admitted version
 * is never admitted twice.
 */
@Controller()
export class PromotionReconcileController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  @MessagePattern(Commands.promotionReconcile.subject)
  async reconcile(@Payload() request: Reply): Promise<Uint8Array> {
    const events = this.moduleRef.get(VersionEventsHandler, { strict: false });
    const routes: ReplayRoute[] = [
      { subject: Events.versionIngested.subject, consumer: 'promotion.version-ingested', handle: (m) => events.onIngested(m) },
      { subject: Events.versionScanned.subject, consumer: 'promotion.version-scanned', handle: (m) => events.onScanned(m) },
      { subject: Events.versionSigned.subject, consumer: 'promotion.version-signed', handle: (m) => events.onSigned(m) },
    ];
    // Ids are `promoted:<view>:<name>@<version>:<decision>` (admission-engine.ts).
    const publishedIdPatterns = (name: string, version: string): string[] =>
      ['promoted', 'dismissed'].map((kind) => `${kind}:%:${likeLiteral(`${name}@${version}`)}:%`);
    return answerServiceReconcile({ dataSource: this.dataSource, routes, publishedIdPatterns }, request.data);
  }
}
