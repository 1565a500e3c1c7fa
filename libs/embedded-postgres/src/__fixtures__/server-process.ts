// An app that starts the embedded PostgreSQL and then just runs, for tests that kill it.
// WATCHDOG=0 starts it without its watchdog (a server orphaned the way an old Palisade left it).
import { startEmbeddedPostgresServer } from '../server';

async function main(): Promise<void> {
  const env = process.env;
  const server = await startEmbeddedPostgresServer({
    dataDir: env.DATA_DIR as string,
    port: Number(env.PORT),
    password: env.PASSWORD as string,
    fsync: false,
    watchdog: env.WATCHDOG !== '0',
    stopTimeoutMs: 5_000,
  });
  console.log(`READY ${server.process.pid}`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
