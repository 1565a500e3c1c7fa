import { Inject, Injectable } from '@nestjs/common';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { Commands, decodeMessage, encodeMessage, type CommandDefinition, type Rejection } from '@palisade/contracts';
import { CommandError, CommandErrorCodes, type MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { RegistryHttpError } from '../http/registry-errors';
import { recallRefusal } from './recall-refusal';

/** Opening a case resolves versions and plans every view's quarantine before answering. */
export const RECALL_TIMEOUT_MS = 15_000;

type Refused = { case: 'rejected'; value: Rejection } | { case: undefined; value?: undefined };

function refused(outcome: Refused): never {
  if (outcome.case === 'rejected') throw recallRefusal(outcome.value);
  throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the recall service answered without an outcome');
}

type Init<D extends CommandDefinition> = MessageInitShape<D['request']>;

/** The recall service's commands; a refusal becomes a `ServiceRefusal`, a silent service a 503. */
@Injectable()
export class RecallClient {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async open(request: Init<typeof Commands.recallOpen>) {
    const { outcome } = await this.call(Commands.recallOpen, request);
    return outcome.case === 'accepted' ? outcome.value : refused(outcome);
  }

  async list(request: Init<typeof Commands.recallList>) {
    const { outcome } = await this.call(Commands.recallList, request);
    return outcome.case === 'found' ? outcome.value : refused(outcome);
  }

  async show(recallId: string) {
    const { outcome } = await this.call(Commands.recallShow, { recallId });
    return outcome.case === 'found' ? outcome.value : refused(outcome);
  }

  async requestOverride(request: Init<typeof Commands.recallRequestOverride>) {
    const { outcome } = await this.call(Commands.recallRequestOverride, request);
    return outcome.case === 'changed' ? outcome.value : refused(outcome);
  }

  async approveOverride(request: Init<typeof Commands.recallApproveOverride>) {
    const { outcome } = await this.call(Commands.recallApproveOverride, request);
    return outcome.case === 'changed' ? outcome.value : refused(outcome);
  }

  async close(request: Init<typeof Commands.recallClose>) {
    const { outcome } = await this.call(Commands.recallClose, request);
    return outcome.case === 'changed' ? outcome.value : refused(outcome);
  }

  async reportDeployment(request: Init<typeof Commands.recallReportDeployment>) {
    const { outcome } = await this.call(Commands.recallReportDeployment, request);
    return outcome.case === 'recorded' ? outcome.value : refused(outcome);
  }

  async alerts(request: Init<typeof Commands.recallAlerts>) {
    return this.call(Commands.recallAlerts, request);
  }

  private async call<Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, request: MessageInitShape<Req>): Promise<MessageShape<Rep>> {
    try {
      const reply = await this.bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: RECALL_TIMEOUT_MS });
      return decodeMessage(command.reply, reply.data);
    } catch (e: unknown) {
      if (e instanceof CommandError && (e.code === CommandErrorCodes.timeout || e.code === CommandErrorCodes.noResponders)) {
        throw new RegistryHttpError('PAL_ERR_UNAVAILABLE', 'the recall service did not answer; try again shortly', { cause: e });
      }
      throw e;
    }
  }
}
