import { detectorOf, firstMatch, patternDetector } from './detector';

/** Writable scratch locations droppers stage payloads in. */
export const TEMP_DIR = patternDetector('temp-dir', [
  /\b(?:os\.)?tmpdir\s*\(\s*\)/,
  /['"`](?:\/tmp|\/var\/tmp|\/dev\/shm)(?:\/|['"`])/,
  /(?:^|[\s=>"'])\/(?:tmp|var\/tmp|dev\/shm)\//m,
  /%(?:TEMP|TMP|APPDATA|LOCALAPPDATA)%/i,
  /\$env:(?:TEMP|TMP|APPDATA|LOCALAPPDATA)\b/i,
  /\bprocess\.env(?:\.|\[['"`])(?:TEMP|TMP|TMPDIR|APPDATA|LOCALAPPDATA)\b/,
  /\$\{?TMPDIR\}?/,
]);

/** Making a file executable. */
export const CHMOD_EXEC = patternDetector('chmod-exec', [
  /\bchmod(?:Sync)?\s*\(\s*[^,()]+,\s*(?:0o?[0-7]*[1357][0-7]*|\d{3}|['"`][0-7]*[1357][0-7]*['"`])\s*[,)]/,
  /\bchmod\s+(?:-\w+\s+)*(?:[ugoa]*\+[rw]*x|[0-7]*[1357][0-7]{0,2})\b/,
]);

/** A child process cut loose from the installer, with its output hidden, so it outlives `npm install`. */
export const DETACHED_SPAWN = detectorOf('detached-spawn', (unit) => {
  if (unit.kind === 'js') {
    const detached = /\bdetached\s*:\s*(?:true|!0|1)\b/.exec(unit.text);
    if (!detached) return undefined;
    const hidden = firstMatch(unit.text, [/\bstdio\s*:\s*['"`]ignore['"`]/, /\bstdio\s*:\s*\[\s*['"`]ignore['"`]/, /\.unref\s*\(\s*\)/, /\bwindowsHide\s*:\s*(?:true|!0)/]);
    return hidden ? { index: detached.index, text: detached[0] } : undefined;
  }
  return firstMatch(unit.text, [
    /\bnohup\b/,
    /\bsetsid\b/,
    /\bdisown\b/,
    /[^&]&\s*(?:$|\n)/,
    /\bstart\s+(?:""\s+)?\/(?:b|min)\b/i,
    /-WindowStyle\s+Hidden|\s-w(?:indowstyle)?\s+hidden\b/i,
  ]);
});

/** An installer deleting itself (or restoring a clean package.json) to leave nothing to inspect. */
export const SELF_DELETE = patternDetector('self-delete', [
  /\b(?:unlink|unlinkSync|rm|rmSync|remove|removeSync)\s*\(\s*(?:__filename|process\.argv\[1\]|import\.meta\.(?:filename|url))/,
  /\b(?:unlink|unlinkSync|rm|rmSync)\s*\(\s*(?:path\.)?(?:join|resolve)\s*\(\s*__dirname\s*,\s*['"`][^'"`]+\.(?:c?js|mjs|sh)['"`]\s*\)/,
  /\brm\s+(?:-\w+\s+)*["']?\$0\b/,
  /\bdel\s+(?:\/\w\s+)*"?%~[fd]?[pnx]*0/i,
  /\bRemove-Item\b[^\n]*\$(?:PSCommandPath|MyInvocation)/i,
]);

/** Rewriting the package's own package.json from install code (the axios/plain-crypto-js dropper restored a clean one). */
export const MANIFEST_REWRITE = patternDetector('manifest-rewrite', [
  /\b(?:writeFile|writeFileSync|rename|renameSync|copyFile|copyFileSync)\s*\(\s*(?:(?:path\.)?(?:join|resolve)\s*\(\s*__dirname\s*,\s*|__dirname\s*\+\s*)?['"`](?:\.\/)?\/?package\.json['"`]/,
  /\b(?:rename|renameSync|copyFile|copyFileSync)\s*\([^;\n]{1,160},\s*(?:(?:path\.)?(?:join|resolve)\s*\(\s*__dirname\s*,\s*)?['"`](?:\.\/)?package\.json['"`]/,
]);

/** Windows binaries abused to run or fetch payloads (LOLBAS). */
export const LOLBIN = patternDetector('lolbin', [
  /\b(?:rundll32|regsvr32|mshta|installutil|regasm|regsvcs|cmstp|odbcconf)(?:\.exe)?\b/i,
  /\bcertutil(?:\.exe)?\s+[^\n'"]*-(?:urlcache|decode)\b/i,
  /\bbitsadmin(?:\.exe)?\b/i,
  /\bwmic(?:\.exe)?\s+process\s+call\s+create\b/i,
  /\bpowershell(?:\.exe)?\b[^\n]{0,120}\s-(?:e|ec|en|enc|encodedcommand)\s+[A-Za-z0-9+/=]{16,}/i,
  /\b(?:wscript|cscript)(?:\.exe)?\s+\S/i,
]);

/** Downloading a script and handing it straight to an interpreter. */
export const PIPE_TO_SHELL = patternDetector('pipe-to-shell', [
  /\b(?:curl|wget)\b[^|\n;&]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|node|python3?|bun|perl)\b/,
  /\b(?:(?:ba|z)?sh|node|python3?|bun|perl)\s+(?:-[ce]\s+)?["']?(?:<\(|\$\(|`)\s*(?:curl|wget)\b/,
  /\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|\n]*\|\s*(?:iex|Invoke-Expression)\b/i,
  /\b(?:iex|Invoke-Expression)\s*\(?\s*\(?\s*(?:New-Object\s+(?:System\.)?Net\.WebClient|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)/i,
]);

/** A payload fetched over plain http: no legitimate installer downloads executables without TLS. */
export const PLAIN_HTTP = patternDetector('plain-http', [/(?:['"`\s=(]|^)http:\/\/(?!(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[:/'"`])[\w.-]+/m]);

const PRIVATE_OR_LOCAL = /^(?:127\.|0\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|255\.)/;

/** Hard-coded raw-IP URLs and hosts built for exfiltration: out-of-band test hosts, webhooks, tunnels, paste sites. */
export const SHADY_LINK = detectorOf('shady-link', (unit) => {
  for (const match of unit.text.matchAll(/\b(?:https?|wss?|ftp):\/\/(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?/g)) {
    if (!PRIVATE_OR_LOCAL.test(match[1])) return { index: match.index, text: match[0] };
  }
  return firstMatch(unit.text, [
    /\b(?:[\w-]+\.)*(?:interact\.sh|oast\.(?:pro|live|site|online|fun|me)|oastify\.com|burpcollaborator\.net|pipedream\.net|webhook\.site|requestbin\.(?:net|com)|beeceptor\.com|ngrok(?:-free)?\.(?:io|app|dev)|trycloudflare\.com|serveo\.net|localtunnel\.me|loca\.lt|transfer\.sh|pastebin\.com|paste\.ee|hastebin\.com|canarytokens\.com|dnslog\.cn|ceye\.io)\b/i,
    /\bdiscord(?:app)?\.com\/api\/webhooks\b|\bapi\.telegram\.org\/bot/i,
  ]);
});
