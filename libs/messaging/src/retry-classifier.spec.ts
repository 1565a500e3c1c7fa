import { PalisadeError, PermanentError, RetryableError } from '@palisade/errors';
import { classifyFailure } from './retry-classifier';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it.each([
    ['RetryableError', new RetryableError('DB_DOWN', 'db down')],
    ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', withCode('ECONNRESET')],
    ['ETIMEDOUT', withCode('ETIMEDOUT')],
    ['SQLSTATE 08006 connection_failure', withCode('08006')],
    ['SQLSTATE 08001 unable to connect', withCode('08001')],
    ['SQLSTATE 57P01 admin_shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['SQLSTATE 57P02 crash_shutdown', withCode('57P02')],
    ['SQLSTATE 57P03 cannot_connect_now', withCode('57P03', 'the database system is starting up')],
    ['SQLSTATE 53300 too_many_connections', withCode('53300')],
    ['SQLSTATE 40001 serialization_failure', withCode('40001')],
    ['SQLSTATE 40P01 deadlock_detected', withCode('40P01')],
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg pool: timeout', new Error('timeout exceeded when trying to connect')],
    ['nats TimeoutError', Object.assign(new Error('timeout'), { name: 'TimeoutError' })],
    ['nats closed connection', Object.assign(new Error('closed connection'), { name: 'ClosedConnectionError' })],
    ['bus unavailable', new PalisadeError('MESSAGING_UNAVAILABLE', 'cannot connect to NATS')],
    ['bus publish failed', new PalisadeError('MESSAGING_PUBLISH_FAILED', 'publish failed')],
    ['command timeout', new PalisadeError('COMMAND_TIMEOUT', 'did not answer')],
    ['command refused while NATS is disconnected', new PalisadeError('COMMAND_BUS_UNAVAILABLE', 'NATS is disconnected')],
    ['TypeORM QueryFailedError around a 57P01', Object.assign(new Error('query failed'), { driverError: withCode('57P01') })],
    ['a wrapper whose cause is ECONNREFUSED', new Error('store failed', { cause: withCode('ECONNREFUSED') })],
    ['AggregateError of refused addresses', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'all failed')],
  ])('%s is transient', (_, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['PermanentError', new PermanentError('BAD_PAYLOAD', 'not a version')],
    ['an error that says it is not retryable', Object.assign(new PalisadeError('STORAGE_INTEGRITY_MISMATCH', 'x'), { retryable: false })],
    ['PermanentError wrapping a socket error', new PermanentError('BAD', 'x', { cause: withCode('ECONNRESET') })],
  ])('%s is permanent', (_, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });

  it.each([
    ['a plain Error', new Error('cannot handle this one')],
    ['a unique violation (23505)', withCode('23505', 'duplicate key value')],
    ['a syntax error (42601)', withCode('42601')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['a PalisadeError without a verdict', new PalisadeError('PROMOTION_FAILED', 'x')],
  ])('%s is unknown', (_, error) => {
    expect(classifyFailure(error)).toBe('unknown');
  });

  it('survives cyclic causes', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyFailure(a)).toBe('unknown');
  });
});
