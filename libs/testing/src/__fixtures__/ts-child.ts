// Run by spawn-node.int.spec.ts through tsRegisterPath: proves a child process can run repo
// TypeScript with `@palisade/*` imports, extensionless relative imports and decorator metadata.
import 'reflect-metadata';
import { PermanentError, isPalisadeError } from '@palisade/errors';
import { greeting } from './child-helper';

class Dependency {}
const Injectable = (): ClassDecorator => () => undefined;

@Injectable()
class Service {
  constructor(readonly dependency: Dependency) {}
}

const paramTypes = (Reflect.getMetadata('design:paramtypes', Service) as { name: string }[]).map((t) => t.name);
const error = new PermanentError('CHILD_FAILED', 'raised in the child');
console.log(
  JSON.stringify({
    code: error.code,
    palisade: isPalisadeError(error),
    paramTypes,
    greeting: greeting(process.argv[2] ?? 'nobody'),
    env: process.env.CHILD_SETTING,
  }),
);

if (process.argv.includes('--linger')) {
  process.on('SIGTERM', () => {
    console.error('stopping on SIGTERM');
    process.exit(0);
  });
  setInterval(() => undefined, 1_000);
  console.log('ready');
}
