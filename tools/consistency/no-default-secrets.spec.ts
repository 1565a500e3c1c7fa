import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Deployment files must not ship a usable password, key or token: every credential is required
// from the operator (compose: `${VAR:?…}`; Kubernetes: a Secret generated from a file the
// operator creates). A default that "works" ends up in production.
const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const k8sFiles = (dir = 'deploy/k8s'): string[] =>
  readdirSync(resolve(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? k8sFiles(join(dir, entry.name)) : /\.(ya?ml|example)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );

/** Variable names that hold credentials. */
const CREDENTIAL = /(PASSWORD|SECRET|TOKEN|KEK|ACCESS_KEY|DATABASE_URL)/;

describe('no default credentials ship', () => {
  it('docker-compose.yml requires every credential (${VAR:?message}), with no fallback value', () => {
    const compose = read('docker-compose.yml');
    const defaults = [...compose.matchAll(/\$\{(\w+):?-([^}]*)\}/g)].filter(([, name, value]) => CREDENTIAL.test(name) && value !== '');
    expect(defaults.map(([whole]) => whole)).toEqual([]);
    for (const name of ['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD', 'PALISADE_SIGNING_KEK']) expect(compose).toMatch(new RegExp(`\\$\\{${name}:\\?[^}]+\\}`));
    // A literal value on a credential line (not a ${…} reference) is a shipped password.
    const literals = compose.split('\n').filter((line) => /^\s*\w+:\s*\S/.test(line) && CREDENTIAL.test(line.split(':')[0]) && !line.includes('${'));
    expect(literals).toEqual([]);
  });

  it('the Kubernetes manifests hold no credential value: the Secret comes from the operator’s secrets.env', () => {
    const files = k8sFiles();
    expect(files).toContain('deploy/k8s/secrets.env.example');
    // The operator's own secrets.env may sit in a checkout; it is never committed.
    expect(execFileSync('git', ['ls-files', 'deploy/k8s/secrets.env'], { cwd: root, encoding: 'utf8' }).trim()).toBe('');
    expect(read('deploy/k8s/kustomization.yaml')).toMatch(/secretGenerator:[\s\S]*name: palisade-database[\s\S]*envs: \[secrets\.env\]/);
    expect(read('.gitignore')).toContain('deploy/k8s/secrets.env');
    for (const file of files) {
      const text = read(file);
      expect({ file, secrets: /^kind: Secret$/m.test(text) && /stringData:|^data:/m.test(text) }).toEqual({ file, secrets: false });
      const valued = text
        .split('\n')
        .filter((line) => !line.trim().startsWith('#'))
        .map((line) => /^\s*([A-Z0-9_]+)\s*[:=]\s*(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && CREDENTIAL.test(m[1]) && m[2].trim() !== '' && m[2].trim() !== '""');
      expect({ file, valued: valued.map((m) => m[0].trim()) }).toEqual({ file, valued: [] });
    }
  });

  it('no well-known placeholder password is left anywhere in the deployment files', () => {
    for (const file of ['docker-compose.yml', ...k8sFiles()]) {
      const text = read(file).split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
      expect({ file, found: text.match(/CHANGE-?ME|palisade-secret|password123|changeit/gi) ?? [] }).toEqual({ file, found: [] });
    }
  });
});
