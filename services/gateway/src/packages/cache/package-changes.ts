import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Changes this replica applied to a package (an event, a metadata write). Caches drop their
 * renderings at once; requests waiting for a publish to become visible re-check.
 */
@Injectable()
export class PackageChanges {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  changed(name: string): void {
    this.emitter.emit('changed', name);
  }

  onChange(listener: (name: string) => void): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }

  /**
   * Resolves true once `check()` holds, re-checking after each local change of `name` and at least
   * every `pollMs` (another replica may apply the event); false when `timeoutMs` passes first.
   */
  async waitFor(name: string, check: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let wake: (() => void) | undefined;
    const stop = this.onChange((changed) => {
      if (changed === name) wake?.();
    });
    try {
      for (;;) {
        if (await check()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(pollMs, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      stop();
    }
  }
}
