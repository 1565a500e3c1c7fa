import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { auditAdvisories } from '../application/audit-advisories';
import { advisoriesForNames, advisoryDb } from '../store/advisory-store';

/** A bulk audit names every installed package; big monorepos stay far below this. */
const MAX_AUDITED_NAMES = 20_000;

/** registry.cmd.scanning.audit — npm audit answered from the advisory database. */
@Controller()
export class AuditCommandController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @MessagePattern(Commands.scanningAudit.subject)
  async audit(@Payload() request: Reply): Promise<Uint8Array> {
    const { packages } = decodeMessage(Commands.scanningAudit.request, request.data);
    if (packages.length > MAX_AUDITED_NAMES) {
      return encodeMessage(Commands.scanningAudit.reply, {
        outcome: { case: 'rejected', value: { code: 'SCANNING_AUDIT_TOO_LARGE', message: `at most ${MAX_AUDITED_NAMES} package names per audit (got ${packages.length})`, problems: [], retryable: false } },
      });
    }
    const byName = await advisoriesForNames(this.dataSource, packages.map((p) => p.name));
    const db = await advisoryDb(this.dataSource);
    return encodeMessage(Commands.scanningAudit.reply, { outcome: { case: 'result', value: auditAdvisories(packages, byName, db.version) } });
  }
}
