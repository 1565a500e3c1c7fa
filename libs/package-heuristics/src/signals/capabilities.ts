import { detect, detectorOf, firstMatch, hinted, patternDetector } from './detector';

const NET_MODULE_HINTS = ['http', 'net', 'tls', 'dgram', 'dns', 'axios', 'fetch', 'got', 'undici', 'request', 'superagent', 'needle', 'ws', 'socket.io', 'phin', 'bent', 'ky'];

const NODE_NET_MODULE = String.raw`(?:node:)?(?:https?|http2|net|tls|dgram|dns(?:\/promises)?)`;
const HTTP_CLIENTS = String.raw`(?:axios|node-fetch|got|undici|request|superagent|needle|ws|socket\.io-client|cross-fetch|isomorphic-fetch|phin|bent|make-fetch-happen|minipass-fetch|ky)`;

/** Network from JavaScript: node's socket modules, fetch, WebSocket, XHR and the common HTTP clients. */
const JS_NETWORK = patternDetector(
  'network-js',
  [
    hinted(new RegExp(String.raw`\b(?:require|import)\s*\(\s*['"\x60](?:${NODE_NET_MODULE}|${HTTP_CLIENTS})['"\x60]\s*\)`), ...NET_MODULE_HINTS),
    hinted(new RegExp(String.raw`\bfrom\s*['"\x60](?:${NODE_NET_MODULE}|${HTTP_CLIENTS})['"\x60]`), ...NET_MODULE_HINTS),
    hinted(/(?<![.\w$])fetch\s*\(|\b(?:globalThis|window|self|global)\s*\.\s*fetch\s*\(/, 'fetch'),
    hinted(/\bnew\s+(?:WebSocket|XMLHttpRequest|EventSource)\s*\(/, 'WebSocket', 'XMLHttpRequest', 'EventSource'),
    hinted(/\bnavigator\.sendBeacon\s*\(/, 'sendBeacon'),
    hinted(/\bBun\.(?:connect|udpSocket)\s*\(|\bDeno\.connect\s*\(/, 'Bun.', 'Deno.'),
  ],
  ['js'],
);

/** Network tools invoked from a shell (or from a command string that JavaScript spawns). */
const SHELL_NETWORK_PATTERNS = [
  hinted(/(?:^|[\s'"`;|&(])(?:curl|wget)(?:\.exe)?\s+\S/m, 'curl', 'wget'),
  /\b(?:Invoke-WebRequest|Invoke-RestMethod|Start-BitsTransfer|DownloadString|DownloadFile|Net\.WebClient)\b/i,
  /(?:^|[\s'"`;|&(])(?:iwr|irm)\s+\S/im,
  hinted(/\bcertutil(?:\.exe)?\s+[^\n]*-urlcache/i, 'certutil', 'CERTUTIL', 'Certutil', 'CertUtil'),
  /\bbitsadmin(?:\.exe)?\s+[^\n]*\/transfer/i,
  hinted(/(?:^|[\s'"`;|&(])(?:nc|ncat|netcat)\s+-\w*e\b/m, 'nc', 'netcat'),
  hinted(/\/dev\/(?:tcp|udp)\//, '/dev/'),
  hinted(/(?:^|[\s'"`;|&(])(?:nslookup|dig|ping)\s+[^\s|;&]*\$/m, 'nslookup', 'dig', 'ping'),
  hinted(/(?:^|[\s'"`;|&(])(?:nslookup|dig)\s+\S/m, 'nslookup', 'dig'),
  hinted(/\burllib\.request\b|\burlopen\s*\(|\brequests\.(?:get|post|put)\s*\(|\bhttp\.client\b|\bsocket\.socket\s*\(/, 'urllib', 'urlopen', 'requests.', 'http.client', 'socket.socket'),
  hinted(/\b(?:MSXML2\.(?:Server)?XMLHTTP|Microsoft\.XMLHTTP|WinHttp\.WinHttpRequest)\b/i, 'XMLHTTP', 'WinHttp', 'xmlhttp'),
];

const SHELL_NETWORK = patternDetector('network-shell', SHELL_NETWORK_PATTERNS, ['shell', 'gyp']);
// A .py install script: running it is process spawning enough; its network use is matched above.

const SPAWN_PATTERNS = [
  hinted(/\b(?:require|import)\s*\(\s*['"`](?:node:)?child_process['"`]\s*\)|\bfrom\s*['"`](?:node:)?child_process['"`]/, 'child_process'),
  hinted(/\bprocess\.binding\s*\(\s*['"`](?:spawn_sync|process_wrap)['"`]/, 'process.binding'),
  hinted(/\bBun\s*\.\s*(?:spawn|spawnSync|\$)|\bnew\s+Deno\.Command\b|\bDeno\.run\s*\(/, 'Bun', 'Deno'),
  hinted(/\b(?:require|import)\s*\(\s*['"`](?:execa|cross-spawn|shelljs|zx)(?:\/[\w-]+)?['"`]\s*\)|\bfrom\s*['"`](?:execa|cross-spawn|shelljs|zx)(?:\/[\w-]+)?['"`]/, 'execa', 'cross-spawn', 'shelljs', 'zx'),
];

/** JavaScript that spawns processes. */
export const SPAWN = detectorOf('spawn', (unit) => {
  if (unit.kind === 'shell') return unit.origin?.label.startsWith('scripts.') ? undefined : { index: 0, text: 'shell script' };
  if (unit.kind === 'gyp') return firstMatch(unit.text, [/<!@?\(/]);
  if (unit.kind !== 'js') return undefined;
  return firstMatch(unit.text, SPAWN_PATTERNS);
});

/** Network capability in any language; in JavaScript, `curl` in a string counts only when the code can spawn it. */
export const NETWORK = detectorOf('network', (unit) => {
  if (unit.kind === 'js') {
    const direct = detect(unit, JS_NETWORK);
    if (direct) return direct;
    return detect(unit, SPAWN) ? firstMatch(unit.text, SHELL_NETWORK_PATTERNS) : undefined;
  }
  return detect(unit, SHELL_NETWORK);
});

/** File writes (needed to tell "mentions ~/.bashrc" from "changes ~/.bashrc"). */
export const FS_WRITE = patternDetector('fs-write', [
  hinted(/\b(?:writeFile|appendFile|writeFileSync|appendFileSync|createWriteStream|copyFile|copyFileSync|outputFile|outputFileSync|Bun\.write)\s*\(/, 'writeFile', 'appendFile', 'createWriteStream', 'copyFile', 'outputFile', 'Bun.write'),
  /(?:^|[^<>=!\d])>>?\s*["']?(?:~|\$HOME|\$\{HOME\}|%USERPROFILE%|\/|\.)/m,
  /\btee\s+(?:-a\s+)?\S/,
  /\b(?:Add-Content|Set-Content|Out-File)\b/i,
]);

/** Places code is executed from text: eval and its relatives, vm, Function constructors, module._compile. */
export const DYNAMIC_CODE_SINK =
  /(?<![.\w$])eval\s*\(|\(\s*0\s*,\s*eval\s*\)\s*\(|\bnew\s+Function\s*\(|(?<![.\w$])Function\s*\(|\bvm\s*\.\s*(?:runInNewContext|runInThisContext|runInContext|compileFunction)\s*\(|\bnew\s+(?:vm\s*\.\s*)?Script\s*\(|(?<![.\w$])(?:runInNewContext|runInThisContext)\s*\(|\._compile\s*\(|\bconstructor\s*\.\s*constructor\s*\(|\[\s*['"`]constructor['"`]\s*\]\s*\(|\b(?:globalThis|global|window|self)\s*\[\s*['"`]eval['"`]\s*\]\s*\(|\bimport\s*\(\s*['"`]data:|(?<![.\w$])set(?:Timeout|Interval|Immediate)\s*\(/g;

/** Turning encoded text back into bytes or strings. */
export const DECODE_PATTERNS: readonly RegExp[] = [
  /,\s*['"`](?:base64|base64url|hex)['"`]\s*\)/,
  // Buffer.from(data, encodingHeldInAVariable): hiding the word "base64" is itself the tell.
  /\bBuffer\s*\.\s*from\s*\(\s*[^,()]+,\s*[\w$]+(?:\[[^\]]{1,20}\])?\s*\)/,
  /(?<![.\w$])atob\s*\(/,
  /\bString\s*\.\s*fromCharCode\s*\(/,
  /\bfromCodePoint\s*\(/,
  /\bdecodeURIComponent\s*\(\s*escape\s*\(/,
  /(?<![.\w$])unescape\s*\(/,
  /\bcreateDecipher(?:iv)?\s*\(/,
  /\b(?:inflate|inflateRaw|gunzip|brotliDecompress|unzip)Sync\s*\(/,
  /\bcodePointAt\s*\([^)]*\)\s*-\s*(?:0x[fF][eE]00|65024|0xE0100|917760)/,
  // Steganography: code kept in an image or data file and read back to run.
  /\breadFileSync\s*\([^)]*\.(?:png|jpe?g|gif|ico|bmp|wav|mp3|woff2?|ttf)['"`]/,
];


/** Process spawning calls whose first argument is a command string, for "decode then run". */
export const EXEC_CALL = /\b(?:execSync|execFileSync|execFile|spawnSync|spawn)\s*\(|\b(?:child_process|childProcess|cp)\s*\.\s*exec\s*\(|(?<![.\w$])exec\s*\(|\bBun\s*\.\s*spawn\s*\(/g;
