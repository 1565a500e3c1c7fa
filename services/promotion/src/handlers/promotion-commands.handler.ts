import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { Commands, decodeMessage, encodeMessage, type RejectionSchema } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { PolicyCommands } from '../application/policy-commands';
import { PromotionRequests } from '../application/promotion-requests';
import { StatusService } from '../application/status-service';
import { PromotionError } from '../domain/promotion-error';

type RejectionInit = MessageInitShape<typeof RejectionSchema>;

/** A PromotionError becomes the reply's rejection (`reject`); anything else is an error reply. */
async function answer<R extends DescMessage>(reply: R, accept: () => Promise<MessageInitShape<R>>, reject: (rejection: RejectionInit) => MessageInitShape<R>): Promise<Uint8Array> {
  try {
    return encodeMessage(reply, await accept());
  } catch (e: unknown) {
    if (!(e instanceof PromotionError)) throw e;
    return encodeMessage(reply, reject({ code: e.code, message: e.message, problems: [...e.problems] }));
  }
}

const rejected = (value: RejectionInit) => ({ outcome: { case: 'rejected' as const, value } });

/** The promotion commands the gateway's `/-/palisade/v1/` routes forward. */
@Controller()
export class PromotionCommandsHandler {
  constructor(
    private readonly requests: PromotionRequests,
    private readonly statuses: StatusService,
    private readonly policies: PolicyCommands,
  ) {}

  @MessagePattern(Commands.promotionPromote.subject)
  promote(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.promotionPromote.request, request.data);
    return answer(Commands.promotionPromote.reply, async () => ({ outcome: { case: 'accepted' as const, value: await this.requests.promote(command) } }), rejected);
  }

  @MessagePattern(Commands.promotionApprove.subject)
  approve(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.promotionApprove.request, request.data);
    return answer(Commands.promotionApprove.reply, async () => ({ outcome: { case: 'accepted' as const, value: await this.requests.approve(command) } }), rejected);
  }

  @MessagePattern(Commands.promotionStatus.subject)
  status(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.promotionStatus.request, request.data);
    return answer(Commands.promotionStatus.reply, async () => ({ outcome: { case: 'found' as const, value: await this.statuses.status(command.name, command.version) } }), rejected);
  }

  @MessagePattern(Commands.promotionPolicyShow.subject)
  showPolicy(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.promotionPolicyShow.request, request.data);
    return answer(Commands.promotionPolicyShow.reply, async () => ({ outcome: { case: 'found' as const, value: await this.policies.show(command.view) } }), rejected);
  }

  @MessagePattern(Commands.promotionPolicyApply.subject)
  applyPolicy(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.promotionPolicyApply.request, request.data);
    return answer(Commands.promotionPolicyApply.reply, async () => ({ outcome: { case: 'applied' as const, value: await this.policies.apply(command) } }), rejected);
  }
}
