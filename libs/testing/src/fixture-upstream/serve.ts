// Runs the fixture upstream by hand:
//   node -r ./libs/testing/register.cjs libs/testing/src/fixture-upstream/serve.ts --port 4999 --tree 100
import { parseArgs } from 'node:util';
import { startFixtureUpstream } from './fixture-upstream';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      tree: { type: 'string', default: '0' },
      prefix: { type: 'string', default: 'tree' },
      delay: { type: 'string', default: '0' },
    },
  });
  const upstream = await startFixtureUpstream({ port: Number(values.port) });
  upstream.setDelay(Number(values.delay));
  const count = Number(values.tree);
  const root = count > 0 ? upstream.addTree({ count, prefix: values.prefix }) : undefined;
  process.stdout.write(`fixture upstream listening on ${upstream.url}\n`);
  if (root !== undefined) process.stdout.write(`dependency tree of ${count} packages, root: ${root} (npm install ${root} --registry ${upstream.url})\n`);
  process.stdout.write(`signing key id: ${upstream.keyId}\n`);
  const shutdown = () => void upstream.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
