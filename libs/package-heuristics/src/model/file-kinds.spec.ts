import { executableFormatOf, isSkippedForContent, sourceKindOf } from './file-kinds';

describe('file kinds', () => {
  it('skips declarations, maps and prose', () => {
    for (const path of ['index.d.ts', 'lib/x.d.mts', 'dist/a.js.map', 'README.md', 'LICENSE', 'docs/guide.txt']) expect(isSkippedForContent(path)).toBe(true);
    for (const path of ['index.js', 'lib/readme.js', 'install.sh']) expect(isSkippedForContent(path)).toBe(false);
  });

  it('reads JavaScript, shell and gyp files, and extensionless scripts by their shebang', () => {
    expect(sourceKindOf('a.mjs', Buffer.from(''))).toBe('js');
    expect(sourceKindOf('x.ps1', Buffer.from(''))).toBe('shell');
    expect(sourceKindOf('binding.gyp', Buffer.from(''))).toBe('gyp');
    expect(sourceKindOf('bin/tool', Buffer.from('#!/usr/bin/env node\n'))).toBe('js');
    expect(sourceKindOf('bin/tool', Buffer.from('#!/bin/sh\n'))).toBe('shell');
    expect(sourceKindOf('data.json', Buffer.from('{}'))).toBeUndefined();
  });

  it('recognises PE, ELF and Mach-O by magic bytes only', () => {
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    expect(executableFormatOf(pe)).toBe('PE');
    expect(executableFormatOf(Buffer.from('MZ is also how this text starts, with no PE header at all........'))).toBeUndefined();
    expect(executableFormatOf(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]))).toBe('ELF');
    expect(executableFormatOf(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]))).toBe('Mach-O');
    expect(executableFormatOf(Buffer.from('plain text'))).toBeUndefined();
  });
});
