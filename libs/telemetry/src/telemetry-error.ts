import { PalisadeError } from '@palisade/errors';

export type TelemetryErrorCode = 'TELEMETRY_ALREADY_STARTED';

export class TelemetryError extends PalisadeError<TelemetryErrorCode> {}
