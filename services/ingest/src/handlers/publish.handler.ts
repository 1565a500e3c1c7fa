import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { PublishVersion } from './publish-version';

@Controller()
export class PublishHandler {
  constructor(private readonly publishVersion: PublishVersion) {}

  /** Undecodable bytes throw `CONTRACT_DECODE_FAILED`, which the caller receives as an error reply. */
  @MessagePattern(Commands.ingestPublish.subject)
  async publish(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.ingestPublish.request, request.data);
    return encodeMessage(Commands.ingestPublish.reply, await this.publishVersion.run(command));
  }
}
