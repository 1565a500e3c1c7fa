import { Inject, Injectable } from '@nestjs/common';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { Commands, decodeMessage, encodeMessage, type CommandDefinition, type Rejection } from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { RegistryHttpError } from '../http/registry-errors';
import { promotionRefusal } from './promotion-refusal';

/** A dry run decides every known version: give it longer than a single promotion. */
export const PROMOTION_TIMEOUT_MS = 30_000;

type Refused = { case: 'rejected'; value: Rejection } | { case: undefined; value?: undefined };

/** A rejection becomes a `ServiceRefusal` (answered with its reasons). */
function refused(outcome: Refused): never {
  if (outcome.case === 'rejected') throw promotionRefusal(outcome.value);
  throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the promotion service answered without an outcome');
}

/** The promotion service's commands; a silent service becomes 503. */
@Injectable()
export class PromotionClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async promote(request: MessageInitShape<typeof Commands.promotionPromote.request>) {
    const { outcome } = await this.call(Commands.promotionPromote, request);
    return outcome.case === 'accepted' ? outcome.value : refused(outcome);
  }

  async approve(request: MessageInitShape<typeof Commands.promotionApprove.request>) {
    const { outcome } = await this.call(Commands.promotionApprove, request);
    return outcome.case === 'accepted' ? outcome.value : refused(outcome);
  }

  async status(name: string, version: string) {
    const { outcome } = await this.call(Commands.promotionStatus, { name, version });
    return outcome.case === 'found' ? outcome.value : refused(outcome);
  }

  async showPolicy(view: string) {
    const { outcome } = await this.call(Commands.promotionPolicyShow, { view });
    return outcome.case === 'found' ? outcome.value : refused(outcome);
  }

  async applyPolicy(request: MessageInitShape<typeof Commands.promotionPolicyApply.request>) {
    const { outcome } = await this.call(Commands.promotionPolicyApply, request);
    return outcome.case === 'applied' ? outcome.value : refused(outcome);
  }

  private async call<Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, request: MessageInitShape<Req>): Promise<MessageShape<Rep>> {
    try {
      const reply = await this.bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: PROMOTION_TIMEOUT_MS });
      return decodeMessage(command.reply, reply.data);
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the promotion service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
  }
}
