import { parseScriptCommand, tokenize } from './script-command';

describe('parseScriptCommand', () => {
  it('finds the file node runs, skipping flags and env assignments', () => {
    expect(parseScriptCommand('NODE_ENV=production node --max-old-space-size=4096 scripts/setup.js --fast').files).toEqual(['scripts/setup.js']);
  });

  it('returns inline code of node -e / --eval / -p', () => {
    expect(parseScriptCommand(`node -e "require('./postinstall')"`).inlineCode).toEqual([`require('./postinstall')`]);
    expect(parseScriptCommand('node --eval=console.log(1)').inlineCode).toEqual(['console.log(1)']);
  });

  it('follows every segment of a chain and nested sh -c', () => {
    const targets = parseScriptCommand(`node a.js && sh -c "bash ./b.sh; node c.mjs" || ./d.sh`);
    expect(targets.files).toEqual(['a.js', './b.sh', 'c.mjs', './d.sh']);
  });

  it('names scripts run through npm/yarn/pnpm', () => {
    expect(parseScriptCommand('npm run setup && yarn build && pnpm run fetch').scripts).toEqual(['setup', 'build', 'fetch']);
    expect(parseScriptCommand('npm install --no-save x').scripts).toEqual([]);
  });

  it('understands bun, deno, python, cmd /c and powershell -File', () => {
    expect(parseScriptCommand('bun run boot.ts').files).toEqual(['boot.ts']);
    expect(parseScriptCommand('deno run -A main.ts').files).toEqual(['main.ts']);
    expect(parseScriptCommand('python3 tools/gen.py').files).toEqual(['tools/gen.py']);
    expect(parseScriptCommand('cmd /c scripts/win.bat').files).toEqual(['scripts/win.bat']);
    expect(parseScriptCommand('powershell -NoProfile -File ./i.ps1').files).toEqual(['./i.ps1']);
  });

  it('treats a bare local script as the program', () => {
    expect(parseScriptCommand('install.sh').files).toEqual(['install.sh']);
    expect(parseScriptCommand('node-gyp rebuild').files).toEqual([]);
  });
});

describe('tokenize', () => {
  it('keeps quoted words whole and splits operators', () => {
    expect(tokenize(`a "b c"&&d 'e;f'|g`)).toEqual(['a', 'b c', '&&', 'd', 'e;f', '|', 'g']);
  });
});
