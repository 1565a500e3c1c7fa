import { Inject, Injectable } from '@nestjs/common';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { Commands, decodeMessage, encodeMessage, type CommandDefinition, type Rejection } from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { RegistryHttpError } from '../http/registry-errors';

export const SIGNING_TIMEOUT_MS = 10_000;

export interface ServedAttestationJson {
  predicateType: string;
  envelopeJson: string;
  logEntryJson: string;
}

export interface LogLeaf {
  index: number;
  kind: string;
  entry: Buffer;
  leafHash: Buffer;
}

/**
 * The signing service's read commands. Its log and attestations are not copied into the gateway:
 * every read asks the service that owns them, and its refusals become 400/404 answers.
 */
@Injectable()
export class SigningClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async attestations(name: string, version: string): Promise<ServedAttestationJson[]> {
    const { outcome } = await this.call(Commands.signingAttestations, { name, version });
    if (outcome.case === 'found') return outcome.value.attestations;
    throw refusal(outcome.case === 'rejected' ? outcome.value : undefined, 'PAL_ERR_BAD_REQUEST');
  }

  async checkpoint(): Promise<string> {
    const { outcome } = await this.call(Commands.signingLogCheckpoint, {});
    if (outcome.case === 'checkpoint') return outcome.value.checkpoint;
    throw refusal(outcome.case === 'rejected' ? outcome.value : undefined, 'PAL_ERR_UNAVAILABLE');
  }

  async consistency(from: number, to: number): Promise<Uint8Array[]> {
    const { outcome } = await this.call(Commands.signingLogConsistency, { from, to });
    if (outcome.case === 'proof') return outcome.value.hashes;
    throw refusal(outcome.case === 'rejected' ? outcome.value : undefined, 'PAL_ERR_BAD_REQUEST');
  }

  async entry(index: number): Promise<LogLeaf> {
    const { outcome } = await this.call(Commands.signingLogEntry, { index });
    if (outcome.case === 'entry') {
      const { kind, entry, leafHash } = outcome.value;
      return { index, kind, entry: Buffer.from(entry), leafHash: Buffer.from(leafHash) };
    }
    throw refusal(outcome.case === 'rejected' ? outcome.value : undefined, 'PAL_ERR_NOT_FOUND');
  }

  private async call<Req extends DescMessage, Rep extends DescMessage>(
    command: CommandDefinition<Req, Rep>,
    request: MessageInitShape<Req>,
  ): Promise<MessageShape<Rep>> {
    try {
      const reply = await this.bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: SIGNING_TIMEOUT_MS });
      return decodeMessage(command.reply, reply.data);
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the signing service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
  }
}

function refusal(rejection: Rejection | undefined, code: 'PAL_ERR_BAD_REQUEST' | 'PAL_ERR_NOT_FOUND' | 'PAL_ERR_UNAVAILABLE'): RegistryHttpError {
  if (!rejection) return new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the signing service answered without an outcome');
  return new RegistryHttpError(code, rejection.message || rejection.code);
}
