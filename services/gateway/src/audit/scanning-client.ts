import { Inject, Injectable } from '@nestjs/common';
import { Commands, decodeMessage, encodeMessage, type AuditResult } from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { RegistryHttpError } from '../http/registry-errors';

const AUDIT_TIMEOUT_MS = 15_000;

/** registry.cmd.scanning.audit: the advisories that affect installed versions. */
@Injectable()
export class ScanningClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async audit(packages: ReadonlyArray<{ name: string; versions: readonly string[] }>): Promise<AuditResult> {
    let data: Uint8Array;
    try {
      const request = encodeMessage(Commands.scanningAudit.request, { packages: packages.map((p) => ({ name: p.name, versions: [...p.versions] })) });
      data = (await this.bus.request(Commands.scanningAudit.subject, request, { timeoutMs: AUDIT_TIMEOUT_MS })).data;
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the scanning service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
    const { outcome } = decodeMessage(Commands.scanningAudit.reply, data);
    if (outcome.case === 'result') return outcome.value;
    if (outcome.case === 'rejected') throw new RegistryHttpError(outcome.value.code === 'SCANNING_AUDIT_TOO_LARGE' ? 'PAL_ERR_TOO_LARGE' : 'PAL_ERR_BAD_REQUEST', outcome.value.message);
    throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the scanning service answered without an outcome');
  }
}
