import type { DataSource } from 'typeorm';
import type { MessageBus, OutboxRelay, PalisadeTransport } from '@palisade/messaging';
import { isStoreReachable } from '@palisade/persistence';

export interface ReadinessReport {
  ready: boolean;
  checks: {
    messaging: boolean;
    store: boolean;
    consumers: Record<string, boolean>;
    outboxRelay: boolean;
  };
}

/**
 * Ready means the service can do its job right now: the bus is connected, its own schema
 * answers, every consumer it declared is running and the outbox relay is alive.
 */
export class Readiness {
  constructor(
    private readonly parts: { bus: MessageBus; dataSource: DataSource; transport: PalisadeTransport; relay: OutboxRelay },
  ) {}

  async report(): Promise<ReadinessReport> {
    const health = this.parts.bus.health();
    const store = await isStoreReachable(this.parts.dataSource);
    const consumers = health.subscriptions;
    const checks = {
      messaging: health.connected,
      store,
      consumers,
      outboxRelay: this.parts.relay.isRunning(),
    };
    const ready = checks.messaging && store && checks.outboxRelay && this.parts.transport.isListening() && Object.values(consumers).every(Boolean);
    return { ready, checks };
  }
}
