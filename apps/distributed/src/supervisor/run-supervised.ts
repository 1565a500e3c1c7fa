import { Supervisor, type SupervisedService, type SupervisorOptions } from './supervisor';

/**
 * The process side of `start:distributed`: supervise `services` until SIGTERM or SIGINT, then stop
 * them all and exit 0 (a second signal SIGKILLs what is still running). Exits with the failing
 * service's code when one cannot be restarted.
 */
export function runSupervised(services: readonly SupervisedService[], options: SupervisorOptions = {}): Supervisor {
  const supervisor = new Supervisor(services, options);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) supervisor.killNow();
    else void supervisor.stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  void supervisor.finished.then((code) => process.exit(code));
  supervisor.start();
  return supervisor;
}
