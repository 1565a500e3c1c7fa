import type { ServedAttestation } from '@palisade/attestations';
import { CliError, CliErrorCode } from '../cli-error';
import type { NpmRegistryKey } from './registry-keys';

export interface FullPackument {
  versions?: Record<string, { dist?: { integrity?: unknown; signatures?: unknown } }>;
  time?: Record<string, string>;
}

/** The reads `palisade verify` makes; `registry` ends with `/` (view prefix included). */
export class RegistryClient {
  constructor(private readonly headers: Record<string, string> = {}) {}

  /** `null` when the registry publishes no keys (404): it does not sign. */
  async keys(registry: string): Promise<NpmRegistryKey[] | null> {
    const body = await this.json<{ keys?: NpmRegistryKey[] }>(`${registry}-/npm/v1/keys`);
    return body === null ? null : (body.keys ?? []);
  }

  /** The full packument (`application/json`): it has `time`, which the key expiry check needs. */
  packument(registry: string, name: string): Promise<FullPackument | null> {
    return this.json<FullPackument>(`${registry}${name.replace('/', '%2f')}`);
  }

  /**
   * `null` when the registry has no attestations for the version (404). `view` is the view the
   * registry URL addresses, when the registry says (Palisade does).
   */
  async attestations(registry: string, name: string, version: string): Promise<{ view?: string; attestations: ServedAttestation[] } | null> {
    const body = await this.json<{ view?: unknown; attestations?: ServedAttestation[] }>(`${registry}-/palisade/v1/attestations/${name.replace('/', '%2f')}@${encodeURIComponent(version)}`);
    if (body === null) return null;
    return { ...(typeof body.view === 'string' && body.view ? { view: body.view } : {}), attestations: body.attestations ?? [] };
  }

  private async json<T>(url: string): Promise<T | null> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...this.headers } });
    } catch (e: unknown) {
      throw new CliError(CliErrorCode.Registry, `cannot reach ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw new CliError(CliErrorCode.Registry, `${url} answered ${response.status} ${response.statusText}`);
    try {
      return (await response.json()) as T;
    } catch (e: unknown) {
      throw new CliError(CliErrorCode.Registry, `${url} did not answer JSON`, { cause: e });
    }
  }
}
