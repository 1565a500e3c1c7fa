import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { AlertWebhookClient } from '../adapters/alert-webhook-client';
import { AlertLogHandler } from '../handlers/alert-log.handler';
import { ALERT_SETTINGS, alertSettings } from './alert-config';
import { AlertDeliveryWorker } from './alert-delivery-worker';
import { AlertLog } from './alert-log';

/**
 * The alert log and its webhooks, self-contained: import it into the recall module, add
 * `AlertLog1768100000000` to the service's migrations and `alertConfigShape`/`alertConfigRules`
 * to its config.
 */
@Module({
  controllers: [AlertLogHandler],
  providers: [{ provide: ALERT_SETTINGS, useFactory: alertSettings, inject: [SERVICE_CONFIG] }, AlertLog, AlertDeliveryWorker, AlertWebhookClient],
})
export class AlertLogModule {}
