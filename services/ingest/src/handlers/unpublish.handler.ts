import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { UnpublishVersions } from './unpublish-versions';

@Controller()
export class UnpublishHandler {
  constructor(private readonly unpublishVersions: UnpublishVersions) {}

  @MessagePattern(Commands.ingestUnpublish.subject)
  async unpublish(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.ingestUnpublish.request, request.data);
    return encodeMessage(Commands.ingestUnpublish.reply, await this.unpublishVersions.run(command));
  }
}
