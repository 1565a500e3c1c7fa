export { TestingError } from './errors';
export type { TestingErrorCode } from './errors';
export { waitFor } from './wait-for';
export { seededRandom } from './seeded-random';
export type { WaitForOptions } from './wait-for';
export { freePort, isPortOpen } from './free-port';
export { registerCleanup, runCleanups, tempDir } from './cleanup';
export { spawnChild, terminate } from './process/child-handle';
export type { ChildExit, ChildHandle, SpawnChildOptions, TerminateOptions } from './process/child-handle';
export { spawnNode, tsRegisterPath } from './process/spawn-node';
export type { SpawnNodeOptions } from './process/spawn-node';
export { startNatsServer } from './nats/nats-server';
export type { NatsServerHandle, NatsServerOptions } from './nats/nats-server';
export { resolveNatsServerBinary } from './nats/nats-binary';
export { startPostgres } from './postgres/postgres-server';
export type { PostgresHandle, PostgresOptions } from './postgres/postgres-server';
export { testDatabaseUrl, dropSchemas, createTestDatabase } from './postgres/test-database';
export { runCommand } from './process/run-command';
export type { CommandResult, RunCommandOptions } from './process/run-command';
export { integrityOf, makeTarball, packTarball, publishBody } from './npm/publish-body';
export type { PublishBodyOptions, TarEntry } from './npm/publish-body';
export { startFixtureUpstream } from './fixture-upstream/fixture-upstream';
export type {
  FixtureDist,
  FixtureNpmKey,
  FixturePackageSpec,
  FixtureRequest,
  FixtureRequestKind,
  FixtureTreeOptions,
  FixtureUpstream,
  FixtureUpstreamOptions,
  FixtureVersionSpec,
} from './fixture-upstream/types';
export { startRecordedUpstream } from './recorded-upstream/recorded-upstream';
export type { RecordedPackage, RecordedTree, RecordedUpstream } from './recorded-upstream/recorded-upstream';
