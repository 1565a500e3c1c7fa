import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { Commands, decodeMessage, encodeMessage, type RejectionSchema } from '@palisade/contracts';
import type { Reply } from '@palisade/messaging';
import { CaseReader } from '../application/case-reader';
import { Deployments } from '../application/deployments';
import { ManualRecalls } from '../application/manual-recalls';
import { OverrideService } from '../application/override-service';
import { RecallError } from '../domain/recall-error';

type RejectionInit = MessageInitShape<typeof RejectionSchema>;

/** A RecallError becomes the reply's rejection (`reject`); anything else is an error reply. */
async function answer<R extends DescMessage>(reply: R, accept: () => Promise<MessageInitShape<R>>, reject: (rejection: RejectionInit) => MessageInitShape<R>): Promise<Uint8Array> {
  try {
    return encodeMessage(reply, await accept());
  } catch (e: unknown) {
    if (!(e instanceof RecallError)) throw e;
    return encodeMessage(reply, reject({ code: e.code, message: e.message, problems: [...e.problems], retryable: e.retryable }));
  }
}

const rejected = (value: RejectionInit) => ({ outcome: { case: 'rejected' as const, value } });

/** The recall commands the gateway's `/-/palisade/v1/recalls` and `/deployments` routes forward. */
@Controller()
export class RecallCommandsHandler {
  constructor(
    private readonly recalls: ManualRecalls,
    private readonly reader: CaseReader,
    private readonly overrides: OverrideService,
    private readonly deployments: Deployments,
  ) {}

  @MessagePattern(Commands.recallOpen.subject)
  open(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.recallOpen.request, request.data);
    return answer(Commands.recallOpen.reply, async () => ({ outcome: { case: 'accepted' as const, value: await this.recalls.open(command) } }), rejected);
  }

  @MessagePattern(Commands.recallList.subject)
  list(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.recallList.request, request.data);
    return answer(
      Commands.recallList.reply,
      async () => ({ outcome: { case: 'found' as const, value: { recalls: await this.reader.list({ name: command.name, status: command.status, limit: command.limit }) } } }),
      rejected,
    );
  }

  @MessagePattern(Commands.recallShow.subject)
  show(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.recallShow.request, request.data);
    return answer(Commands.recallShow.reply, async () => ({ outcome: { case: 'found' as const, value: await this.reader.show(command.recallId) } }), rejected);
  }

  @MessagePattern(Commands.recallRequestOverride.subject)
  requestOverride(@Payload() request: Reply): Promise<Uint8Array> {
    const c = decodeMessage(Commands.recallRequestOverride.request, request.data);
    return answer(
      Commands.recallRequestOverride.reply,
      async () => {
        const id = await this.overrides.request({
          recallId: c.recallId,
          kind: c.kind,
          view: c.view,
          durationSeconds: c.durationSeconds,
          reason: c.reason,
          requestedBy: c.requestedBy?.principal ?? '',
          tokenId: c.requestedBy?.tokenId ?? '',
        });
        return { outcome: { case: 'changed' as const, value: await this.reader.show(id) } };
      },
      rejected,
    );
  }

  @MessagePattern(Commands.recallApproveOverride.subject)
  approveOverride(@Payload() request: Reply): Promise<Uint8Array> {
    const c = decodeMessage(Commands.recallApproveOverride.request, request.data);
    return answer(
      Commands.recallApproveOverride.reply,
      async () => {
        const id = await this.overrides.approve({ recallId: c.recallId, overrideId: c.overrideId, approver: c.approver?.principal ?? '', comment: c.comment });
        return { outcome: { case: 'changed' as const, value: await this.reader.show(id) } };
      },
      rejected,
    );
  }

  @MessagePattern(Commands.recallClose.subject)
  close(@Payload() request: Reply): Promise<Uint8Array> {
    const c = decodeMessage(Commands.recallClose.request, request.data);
    return answer(
      Commands.recallClose.reply,
      async () => ({ outcome: { case: 'changed' as const, value: await this.reader.show(await this.recalls.close(c.recallId, c.closedBy?.principal ?? '', c.reason)) } }),
      rejected,
    );
  }

  @MessagePattern(Commands.recallReportDeployment.subject)
  reportDeployment(@Payload() request: Reply): Promise<Uint8Array> {
    const c = decodeMessage(Commands.recallReportDeployment.request, request.data);
    return answer(Commands.recallReportDeployment.reply, async () => ({ outcome: { case: 'recorded' as const, value: await this.deployments.report(c) } }), rejected);
  }
}
