import type { DataSource } from 'typeorm';
import { ReplayOutcome, ServiceReconcileReplySchema, ServiceReconcileRequestSchema, decodeMessage, encodeMessage } from '@palisade/contracts';
import { publishedMessages, replayMessages, type ReplayRoute, type ReplayState } from './replay';

const OUTCOMES: Record<ReplayState, ReplayOutcome> = {
  already: ReplayOutcome.ALREADY,
  reissued: ReplayOutcome.REISSUED,
  missing: ReplayOutcome.MISSING,
  failed: ReplayOutcome.FAILED,
};

export interface ServiceReconcileOptions {
  dataSource: DataSource;
  routes: readonly ReplayRoute[];
  /** Outbox id patterns (SQL LIKE, see `likeLiteral`) of the events this service publishes about a version. */
  publishedIdPatterns(name: string, version: string): string[];
}

/**
 * Answers `registry.cmd.<service>.reconcile`: replays the given messages into this service's
 * consumers and returns what it published about the given versions.
 */
export async function answerServiceReconcile(options: ServiceReconcileOptions, requestData: Uint8Array): Promise<Uint8Array> {
  const request = decodeMessage(ServiceReconcileRequestSchema, requestData);
  const replays = await replayMessages(options.dataSource, options.routes, request.messages, request.dryRun);
  const patterns = request.versions.flatMap((v) => options.publishedIdPatterns(v.name, v.version));
  const published = await publishedMessages(options.dataSource, patterns);
  return encodeMessage(ServiceReconcileReplySchema, {
    outcome: {
      case: 'result',
      value: {
        replays: replays.map((r) => ({ messageId: r.messageId, subject: r.subject, consumer: r.consumer, outcome: OUTCOMES[r.state], error: r.error ?? '' })),
        published,
      },
    },
  });
}
