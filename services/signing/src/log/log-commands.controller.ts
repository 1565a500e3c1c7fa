import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { AttestationStore } from '../attestations/attestation-store';
import { SigningError } from '../signing-error';
import { TransparencyLog } from './transparency-log';

/**
 * Answers the gateway's reads of attestations and of the log. Out-of-range requests are answered
 * as rejections (`SIGNING_LOG_RANGE`); anything else that fails is an error reply.
 */
@Controller()
export class LogCommandsController {
  constructor(
    private readonly log: TransparencyLog,
    private readonly attestations: AttestationStore,
  ) {}

  @MessagePattern(Commands.signingAttestations.subject)
  async attestationsOf(@Payload() request: Reply): Promise<Uint8Array> {
    const { name, version } = decodeMessage(Commands.signingAttestations.request, request.data);
    const rows = await this.attestations.ofVersion(name, version);
    return encodeMessage(Commands.signingAttestations.reply, {
      outcome: { case: 'found', value: { attestations: rows.map((r) => ({ predicateType: r.predicateType, envelopeJson: r.envelopeJson, logEntryJson: r.logEntryJson })) } },
    });
  }

  @MessagePattern(Commands.signingLogCheckpoint.subject)
  async checkpoint(): Promise<Uint8Array> {
    return encodeMessage(Commands.signingLogCheckpoint.reply, { outcome: { case: 'checkpoint', value: { checkpoint: await this.log.latestCheckpoint() } } });
  }

  @MessagePattern(Commands.signingLogConsistency.subject)
  async consistency(@Payload() request: Reply): Promise<Uint8Array> {
    const { from, to } = decodeMessage(Commands.signingLogConsistency.request, request.data);
    const { reply } = Commands.signingLogConsistency;
    try {
      const hashes = await this.log.consistency(from, to);
      return encodeMessage(reply, { outcome: { case: 'proof', value: { from, to, hashes } } });
    } catch (e: unknown) {
      if (!(e instanceof SigningError && e.code === 'SIGNING_LOG_RANGE')) throw e;
      return encodeMessage(reply, { outcome: { case: 'rejected', value: { code: e.code, message: e.message } } });
    }
  }

  @MessagePattern(Commands.signingLogEntry.subject)
  async entry(@Payload() request: Reply): Promise<Uint8Array> {
    const { index } = decodeMessage(Commands.signingLogEntry.request, request.data);
    const { reply } = Commands.signingLogEntry;
    try {
      const leaf = await this.log.leaf(index);
      return encodeMessage(reply, { outcome: { case: 'entry', value: { index, kind: leaf.kind, entry: leaf.entry, leafHash: leaf.leafHash } } });
    } catch (e: unknown) {
      if (!(e instanceof SigningError && e.code === 'SIGNING_LOG_RANGE')) throw e;
      return encodeMessage(reply, { outcome: { case: 'rejected', value: { code: e.code, message: e.message } } });
    }
  }
}
