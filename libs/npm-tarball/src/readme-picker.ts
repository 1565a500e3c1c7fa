import type { TarballReadme } from './tarball-inspection';

export const README_MAX_BYTES = 64 * 1024;
// A tarball may carry README, README.md, readme.txt...; a handful is plenty to pick from.
const MAX_CANDIDATES = 8;
const README_NAME = /^readme(\..*)?$/i;
// npm's own test for "markdown-ish" readme names (read-package-json's readme step).
const MARKDOWN_NAME = /\.m?a?r?k?d?o?w?n?$/i;

interface Candidate {
  filename: string;
  chunks: Buffer[];
  bytes: number;
}

/** Collects the start of each root-level README* file and picks the one npm would show. */
export class ReadmePicker {
  readonly #candidates: Candidate[] = [];

  /** True when `relPath` (relative to the package root) may be the readme and there is room to keep it. */
  wants(relPath: string): boolean {
    return !relPath.includes('/') && README_NAME.test(relPath) && this.#candidates.length < MAX_CANDIDATES;
  }

  /** Returns a sink for the file's bytes; anything past the first 64 KiB is dropped. */
  collect(filename: string): (chunk: Buffer) => void {
    const candidate: Candidate = { filename, chunks: [], bytes: 0 };
    this.#candidates.push(candidate);
    return (chunk) => {
      const room = README_MAX_BYTES - candidate.bytes;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      candidate.chunks.push(Buffer.from(part));
      candidate.bytes += part.length;
    };
  }

  /** Markdown first (as npm prefers), then a bare `README`, then any other README.*. */
  pick(): TarballReadme | undefined {
    const chosen =
      this.#candidates.find((c) => MARKDOWN_NAME.test(c.filename)) ??
      this.#candidates.find((c) => !c.filename.includes('.')) ??
      this.#candidates[0];
    if (!chosen) return undefined;
    return { filename: chosen.filename, text: Buffer.concat(chosen.chunks).toString('utf8') };
  }
}
