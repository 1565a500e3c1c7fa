import { Server, type CustomTransportStrategy, type MessageHandler as NestHandler } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices/ctx-host/base-rpc.context';
import { lastValueFrom } from 'rxjs';
import { PalisadeError } from '@palisade/errors';
import { defaultConsumerTuning, type ConsumerSpec, type MessageBus, type StreamSpec, type Subscription } from '../bus';
import type { DeliveredMessage, Reply } from '../message';
import { subjectMatches } from '../subject-filter';

/** Per-handler options, given as the `extras` of `@EventPattern(subject, extras)`. */
export type EventHandlerOptions = Partial<Omit<ConsumerSpec, 'filterSubject'>>;

export interface PalisadeTransportOptions {
  /** Service name: default durable names are `<service>.<subject filter>`. */
  service: string;
  streams: readonly StreamSpec[];
  tuning?: Partial<Pick<ConsumerSpec, 'maxDeliver' | 'backoffMs' | 'ackWaitMs'>>;
}

/** The delivered message, as `@Ctx()` in a handler. */
export class PalisadeContext extends BaseRpcContext<[DeliveredMessage | Reply]> {
  getMessage(): DeliveredMessage | Reply {
    return this.args[0];
  }
}

function durableName(service: string, filter: string): string {
  return `${service}_${filter.replace(/\*/g, 'any').replace(/>/g, 'all').replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * NestJS transport over the messaging port: `@EventPattern` handlers become durable consumers
 * (ack on success, backoff or dead letter on failure), `@MessagePattern` handlers answer
 * commands. It runs unchanged on the JetStream and the embedded adapters.
 */
export class PalisadeTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];
  private listening = false;

  constructor(
    readonly bus: MessageBus,
    private readonly options: PalisadeTransportOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.bus.provision(this.options.streams);
      for (const [pattern, handler] of this.messageHandlers) {
        this.subscriptions.push(handler.isEventHandler ? await this.consumeEvents(pattern, handler) : await this.serveCommands(pattern, handler));
      }
      this.listening = true;
      callback();
    } catch (error: unknown) {
      callback(error);
    }
  }

  private streamOf(filter: string): string {
    const stream = this.options.streams.find((s) => s.subjects.some((subjects) => subjectMatches(subjects, filter.replace(/>$/, 'x').replace(/\*/g, 'x'))));
    if (!stream) throw new PalisadeError('MESSAGING_NO_STREAM', `no stream covers handler pattern ${filter}`);
    return stream.name;
  }

  private async consumeEvents(pattern: string, handler: NestHandler): Promise<Subscription> {
    const extras = (handler.extras ?? {}) as EventHandlerOptions;
    const spec: ConsumerSpec = {
      ...defaultConsumerTuning,
      ...this.options.tuning,
      durable: durableName(this.options.service, pattern),
      stream: this.streamOf(pattern),
      ...extras,
      filterSubject: pattern,
    };
    return this.bus.consume(spec, async (message) => {
      await this.settle(handler(message, new PalisadeContext([message])));
    });
  }

  private async serveCommands(pattern: string, handler: NestHandler): Promise<Subscription> {
    return this.bus.serve(pattern, async (request) => {
      const result = await this.settle(handler(request, new PalisadeContext([request])));
      if (!(result instanceof Uint8Array)) throw new PalisadeError('MESSAGING_BAD_REPLY', `handler for ${pattern} must return bytes (an encoded reply)`);
      return result;
    });
  }

  /** Nest handlers may return a value, a promise or an observable; errors must reach the bus as thrown. */
  private async settle(result: unknown): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await result), { defaultValue: undefined });
  }

  isListening(): boolean {
    return this.listening && this.subscriptions.every((s) => s.isRunning());
  }

  async close(): Promise<void> {
    this.listening = false;
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  on(): never {
    throw new PalisadeError('MESSAGING_UNSUPPORTED', 'PalisadeTransport has no status events; use bus.health()');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}
