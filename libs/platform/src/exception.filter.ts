import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';

/**
 * One global filter for both sides of a service. HTTP errors get Nest's usual handling; message
 * handler errors reach the transport unchanged, so `PermanentError` is dead-lettered at once and
 * anything else is retried (Nest's default RPC filter would flatten both into `{status: 'error'}`).
 */
@Catch()
export class ServiceExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
