/** Header names every Palisade message carries (NATS headers, or their embedded equivalent). */
export const MessageHeaders = {
  eventId: 'Palisade-Event-Id',
  schema: 'Palisade-Schema',
  errorCode: 'Palisade-Error-Code',
  errorMessage: 'Palisade-Error-Message',
  deadLetterSubject: 'Palisade-Original-Subject',
  deadLetterConsumer: 'Palisade-Consumer',
  deadLetterAttempts: 'Palisade-Attempts',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** A message to publish. `id` is the de-duplication key: publishing the same id twice is one message. */
export interface OutgoingMessage {
  id: string;
  subject: string;
  /** Fully qualified protobuf type name of `data`, e.g. `palisade.v1.VersionIngested`. */
  schema: string;
  data: Uint8Array;
  headers?: Readonly<Record<string, string>>;
}

/** A message as a consumer sees it. `attempt` starts at 1 and grows with every redelivery. */
export interface DeliveredMessage {
  id: string;
  subject: string;
  schema: string;
  data: Uint8Array;
  headers: Readonly<Record<string, string>>;
  attempt: number;
  /** Tells the broker the handler is still alive, so a long handler is not redelivered meanwhile. */
  working(): void;
}

export interface PublishResult {
  /** True when the broker already had a message with this id (nothing new was stored). */
  duplicate: boolean;
}

export interface Reply {
  data: Uint8Array;
  headers: Readonly<Record<string, string>>;
}
