import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Runs generate.js against a scratch copy of proto/ and the committed gen/, so the real tree is
// never touched; node_modules is symlinked because buf.gen.yaml names the local plugin by path.
const repo = resolve(__dirname, '..', '..');
const script = join(repo, 'tools', 'contracts', 'generate.js');
const genRel = join('libs', 'contracts', 'src', 'gen', 'palisade', 'v1');

function makeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'palisade-contracts-spec-'));
  cpSync(join(repo, 'proto'), join(root, 'proto'), { recursive: true });
  cpSync(join(repo, 'libs', 'contracts', 'src', 'gen'), join(root, 'libs', 'contracts', 'src', 'gen'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function run(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [script, '--root', root, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tools/contracts/generate.js', () => {
  let root: string;

  beforeEach(() => {
    root = makeWorkspace();
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('passes --check on the committed tree', () => {
    const result = run(root, '--check');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('contracts up to date');
    expect(result.status).toBe(0);
  });

  it('names a hand-edited generated file as stale', () => {
    appendFileSync(join(root, genRel, 'common_pb.ts'), '// edited by hand\n');
    const result = run(root, '--check');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`stale: ${join(genRel, 'common_pb.ts')}`);
    expect(result.stderr).not.toContain('version_events_pb.ts');
  });

  it('names the stale file when a proto gained a field without regenerating, and generate fixes it', () => {
    const proto = join(root, 'proto', 'palisade', 'v1', 'download_events.proto');
    writeFileSync(proto, readFileSync(proto, 'utf8').replace(/\n}\n$/, '\n  string client_ip = 99;\n}\n'));

    const stale = run(root, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`stale: ${join(genRel, 'download_events_pb.ts')}`);

    const generated = run(root);
    expect(generated.status).toBe(0);
    expect(readFileSync(join(root, genRel, 'download_events_pb.ts'), 'utf8')).toContain('clientIp: string');
    expect(run(root, '--check').status).toBe(0);
  });

  it('reports missing and extra generated files', () => {
    unlinkSync(join(root, genRel, 'alert_events_pb.ts'));
    writeFileSync(join(root, genRel, 'leftover_pb.ts'), 'export {};\n');
    const result = run(root, '--check');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`missing: ${join(genRel, 'alert_events_pb.ts')}`);
    expect(result.stderr).toContain(`extra: ${join(genRel, 'leftover_pb.ts')}`);
  });

  it('fails with exit 2 when buf lint rejects the protos', () => {
    const proto = join(root, 'proto', 'palisade', 'v1', 'common.proto');
    writeFileSync(proto, `${readFileSync(proto, 'utf8')}\nenum badEnum {\n  FIRST = 0;\n}\n`);
    const result = run(root, '--check');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('buf lint failed');
  });
});
