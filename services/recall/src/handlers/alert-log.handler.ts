import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AlertEvent, Commands, decodeMessage, encodeMessage } from '@palisade/contracts';
import type { DeliveredMessage, Reply } from '@palisade/messaging';
import { AlertDeliveryWorker } from '../application/alert-delivery-worker';
import { AlertLog } from '../application/alert-log';

/**
 * Every alert on the ALERTS stream (`alerts.>`, one durable consumer shared by the replicas)
 * into the alert log and its webhook queue; `registry.cmd.recall.alerts` reads the log back.
 */
@Controller()
export class AlertLogHandler {
  constructor(
    private readonly log: AlertLog,
    private readonly worker: AlertDeliveryWorker,
  ) {}

  @EventPattern(AlertEvent.subjectFilter)
  async onAlert(@Payload() message: DeliveredMessage): Promise<void> {
    const outcome = await this.log.record(message);
    // Committed: deliver now rather than at the next tick.
    if (outcome === 'applied') this.worker.kick();
  }

  @MessagePattern(Commands.recallAlerts.subject)
  async alertsSince(@Payload() request: Reply): Promise<Uint8Array> {
    const command = decodeMessage(Commands.recallAlerts.request, request.data);
    const page = await this.log.since(command.after, command.subjectFilter, command.limit);
    return encodeMessage(Commands.recallAlerts.reply, {
      alerts: page.alerts.map((a) => ({ seq: a.seq, subject: a.subject, cloudeventJson: a.cloudevent })),
      lastSeq: page.lastSeq,
    });
  }
}
