import { resolve } from 'node:path';
import { registerCleanup } from '../cleanup';
import { ChildHandle, spawnChild } from './child-handle';

/** `node -r <tsRegisterPath> file.ts` runs repo TypeScript with `@palisade/*` mapped to libs sources. */
export const tsRegisterPath = resolve(__dirname, '..', '..', 'register.cjs');

export interface SpawnNodeOptions {
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string | undefined>;
  args?: readonly string[];
  cwd?: string;
}

/**
 * Runs a Node script (.js, or .ts through `tsRegisterPath`) as a separate process, e.g. a consumer
 * a fault test kills mid-stream. The child is SIGKILLed by `runCleanups` if still running.
 */
export function spawnNode(script: string, { env = {}, args = [], cwd }: SpawnNodeOptions = {}): ChildHandle {
  const preload = script.endsWith('.ts') ? ['-r', tsRegisterPath] : [];
  const child = spawnChild(process.execPath, [...preload, script, ...args], {
    cwd,
    env: { ...process.env, ...env },
  });
  const unregister = registerCleanup(async () => {
    await child.kill('SIGKILL');
  });
  void child.exited.then(unregister);
  return child;
}
