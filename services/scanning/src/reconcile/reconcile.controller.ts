import { Controller, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Commands, Events } from '@palisade/contracts';
import { answerServiceReconcile, likeLiteral, type Reply, type ReplayRoute } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { VersionEventsController } from '../handlers/version-events.controller';

/**
 * registry.cmd.scanning.reconcile — judges a version whose ingested event never reached the
 * scanner and hands back its `version.scanned` events (every verdict, in order).
 */
@Controller()
export class ScanningReconcileController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  @MessagePattern(Commands.scanningReconcile.subject)
  async reconcile(@Payload() request: Reply): Promise<Uint8Array> {
    const events = this.moduleRef.get(VersionEventsController, { strict: false });
    const routes: ReplayRoute[] = [{ subject: Events.versionIngested.subject, consumer: 'scanning.version-ingested', handle: (m) => events.onIngested(m) }];
    return answerServiceReconcile(
      { dataSource: this.dataSource, routes, publishedIdPatterns: (name, version) => [`scanned:${likeLiteral(`${name}@${version}`)}:%`] },
      request.data,
    );
  }
}
