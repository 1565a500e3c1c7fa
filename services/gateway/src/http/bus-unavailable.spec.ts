import { CommandError, CommandErrorCodes } from '@palisade/messaging';
import { BUS_RETRY_AFTER_SECONDS, busUnavailable, isBusUnavailable } from './bus-unavailable';

describe('bus unavailable', () => {
  it('recognises only a command refused because NATS is disconnected', () => {
    const refused = new CommandError(CommandErrorCodes.busUnavailable, 'NATS is disconnected', 'registry.cmd.ingest.publish');
    expect(isBusUnavailable(refused)).toBe(true);
    expect(isBusUnavailable(new CommandError(CommandErrorCodes.timeout, 'no answer', 'registry.cmd.ingest.publish'))).toBe(false);
    expect(isBusUnavailable(new Error(CommandErrorCodes.busUnavailable))).toBe(false);
  });

  it('answers 503 with Retry-After and the stable code', () => {
    const error = busUnavailable(new Error('disconnected'));
    expect(BUS_RETRY_AFTER_SECONDS).toBe(5);
    expect([error.status, error.headers, error.toBody()]).toEqual([
      503,
      { 'retry-after': '5' },
      { error: "temporarily unavailable: the registry's message bus is disconnected; try again in 5 s", code: 'PAL_ERR_BUS_UNAVAILABLE' },
    ]);
  });
});
