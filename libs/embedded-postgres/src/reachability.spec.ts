import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canEnter, firstBlockedFolder, foldersOnTheWay } from './reachability';

describe('canEnter', () => {
  const postgres = { uid: 101, gid: 104 };

  it('uses the owner bits for the owner, even when others may enter', () => {
    expect(canEnter({ mode: 0o40700, uid: 101, gid: 0 }, postgres)).toBe(true);
    expect(canEnter({ mode: 0o40077, uid: 101, gid: 0 }, postgres)).toBe(false);
  });

  it('uses the group bits for the primary group', () => {
    expect(canEnter({ mode: 0o40710, uid: 0, gid: 104 }, postgres)).toBe(true);
    expect(canEnter({ mode: 0o40701, uid: 0, gid: 104 }, postgres)).toBe(false);
  });

  it('uses the other bits for everyone else: /root (0700) blocks, /tmp (1777) does not', () => {
    expect(canEnter({ mode: 0o40700, uid: 0, gid: 0 }, postgres)).toBe(false);
    expect(canEnter({ mode: 0o41777, uid: 0, gid: 0 }, postgres)).toBe(true);
    expect(canEnter({ mode: 0o40711, uid: 0, gid: 0 }, postgres)).toBe(true);
  });

  it('lets root in everywhere', () => {
    expect(canEnter({ mode: 0o40000, uid: 5, gid: 5 }, { uid: 0, gid: 0 })).toBe(true);
  });
});

describe('foldersOnTheWay', () => {
  it('lists every folder from the root down', () => {
    expect(foldersOnTheWay('/root/pal/.palisade')).toEqual(['/', '/root', '/root/pal', '/root/pal/.palisade']);
    expect(foldersOnTheWay('/')).toEqual(['/']);
  });
});

describe('firstBlockedFolder', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'pg-reach-'));
  });
  afterEach(async () => {
    await chmod(base, 0o700);
    await rm(base, { recursive: true, force: true });
  });

  it('names the private folder on the way, and nothing once it is enterable', async () => {
    const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const stranger = { uid: me.uid + 4242, gid: me.gid + 4242 };
    const deep = join(base, 'a', 'b');
    await mkdir(deep, { recursive: true, mode: 0o755 });
    await chmod(base, 0o700);
    expect(await firstBlockedFolder(deep, stranger)).toBe(base);
    expect(await firstBlockedFolder(deep, me)).toBeUndefined();
    await chmod(base, 0o711);
    expect(await firstBlockedFolder(deep, stranger)).toBeUndefined();
  });
});
