import { Controller, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Commands, Events } from '@palisade/contracts';
import { answerServiceReconcile, type Reply, type ReplayRoute } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { VersionEventsController } from '../packages/handlers/version-events.controller';
import { SigningEventsController } from '../signatures/handlers/signing-events.controller';
import { VerdictEventsController } from '../verdicts/handlers/verdict-events.controller';

/**
 * registry.cmd.gateway.reconcile — writes into the read model the versions, verdicts, signatures,
 * admissions and dismissals whose events never reached the gateway. The gateway publishes no
 * version events, so it hands nothing back.
 */
@Controller()
export class GatewayReconcileController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  @MessagePattern(Commands.gatewayReconcile.subject)
  async reconcile(@Payload() request: Reply): Promise<Uint8Array> {
    const versions = this.moduleRef.get(VersionEventsController, { strict: false });
    const signatures = this.moduleRef.get(SigningEventsController, { strict: false });
    const verdicts = this.moduleRef.get(VerdictEventsController, { strict: false });
    const routes: ReplayRoute[] = [
      { subject: Events.versionIngested.subject, consumer: 'gateway.version-ingested', handle: (m) => versions.onIngested(m) },
      { subject: Events.versionScanned.subject, consumer: 'gateway.version-scanned', handle: (m) => verdicts.onScanned(m) },
      { subject: Events.versionSigned.subject, consumer: 'gateway.version-signed', handle: (m) => signatures.onSigned(m) },
      { subject: Events.versionPromoted.subject, consumer: 'gateway.version-promoted', handle: (m) => versions.onPromoted(m) },
      { subject: Events.versionDismissed.subject, consumer: 'gateway.version-dismissed', handle: (m) => versions.onDismissed(m) },
    ];
    return answerServiceReconcile({ dataSource: this.dataSource, routes, publishedIdPatterns: () => [] }, request.data);
  }
}
