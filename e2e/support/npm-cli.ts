import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runCommand, tempDir, type CommandResult, type RunCommandOptions } from '@palisade/testing';

export type RunResult = CommandResult;

const repo = resolve(__dirname, '../..');
export const PNPM = resolve(repo, 'node_modules/pnpm/bin/pnpm.cjs');
export const YARN = resolve(repo, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js');

export function run(command: string, args: readonly string[], options: RunCommandOptions): Promise<RunResult> {
  return runCommand(command, args, options);
}

/**
 * The real npm CLI with a user config and cache of its own, so tests never touch the machine's
 * npm settings and each "user" has separate credentials.
 */
export class NpmUser {
  private constructor(
    readonly home: string,
    readonly userconfig: string,
    readonly registry: string,
  ) {}

  static async create(registry: string, token?: string): Promise<NpmUser> {
    const home = await tempDir('palisade-npm-user-');
    const userconfig = join(home, '.npmrc');
    const nerfDart = registry.replace(/^https?:/, '');
    await writeFile(userconfig, `registry=${registry}\n${token ? `${nerfDart}:_authToken=${token}\n` : ''}audit=false\nfund=false\nupdate-notifier=false\n`);
    return new NpmUser(home, userconfig, registry);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      npm_config_userconfig: this.userconfig,
      npm_config_globalconfig: join(this.home, 'global-npmrc'),
      npm_config_cache: join(this.home, 'cache'),
      npm_config_registry: this.registry,
      npm_config_color: 'false',
      NO_COLOR: '1',
      ...extra,
    };
  }

  npm(args: readonly string[], cwd: string, prompts?: RunCommandOptions['prompts']): Promise<RunResult> {
    return run('npm', args, { cwd, env: this.env(), prompts });
  }

  /** A fresh project folder with the given package.json (and files). */
  async project(packageJson: Record<string, unknown>, files: Record<string, string> = {}): Promise<string> {
    const dir = await tempDir('palisade-project-');
    await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }
}
