import { CliError, CliErrorCode } from '../cli-error';
import type { ResolvedConnection } from './registry-config';

/** A refusal the registry explained: `reasons` has one line per rule or problem. */
export class RegistryRefusal extends CliError {
  constructor(
    message: string,
    readonly status: number,
    /** The registry's error code, e.g. `PAL_ERR_POLICY_REFUSED`. */
    readonly registryCode: string,
    readonly reasons: readonly string[],
  ) {
    super(CliErrorCode.Refused, message);
  }
}

const escapeName = (name: string) => (name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name));

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** The registry's admin API (`/-/palisade/v1/...`: promotion, recalls, deployments, alerts, dead letters) with the user's token. */
export class AdminClient {
  constructor(private readonly connection: ResolvedConnection) {}

  promote(name: string, version: string, body: { to: string; reason: string; dryRun: boolean }): Promise<unknown> {
    return this.call('POST', `-/palisade/v1/promotions/${escapeName(name)}@${encodeURIComponent(version)}`, body);
  }

  approve(name: string, version: string, body: { to: string; comment: string }): Promise<unknown> {
    return this.call('POST', `-/palisade/v1/approvals/${escapeName(name)}@${encodeURIComponent(version)}`, body);
  }

  status(name: string, version: string): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/status/${escapeName(name)}${version ? `@${encodeURIComponent(version)}` : ''}`);
  }

  showPolicy(view: string): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/policy${view ? `?view=${encodeURIComponent(view)}` : ''}`);
  }

  applyPolicy(body: { policy: string; dryRun: boolean; comment: string }): Promise<unknown> {
    return this.call('PUT', '-/palisade/v1/policy', body);
  }

  openRecall(body: { spec: string; reason: string; severity: string; views?: string[]; drill?: boolean }): Promise<unknown> {
    return this.call('POST', '-/palisade/v1/recalls', body);
  }

  listRecalls(name: string, status: string): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/recalls${query({ name, status })}`);
  }

  showRecall(id: string): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/recalls/${encodeURIComponent(id)}`);
  }

  requestOverride(id: string, body: { kind: 'waiver'; view: string; duration: string; reason: string } | { kind: 'false-positive'; reason: string }): Promise<unknown> {
    return this.call('POST', `-/palisade/v1/recalls/${encodeURIComponent(id)}/overrides`, body);
  }

  approveOverride(id: string, overrideId: string, comment: string): Promise<unknown> {
    return this.call('POST', `-/palisade/v1/recalls/${encodeURIComponent(id)}/overrides/${encodeURIComponent(overrideId)}/approve`, comment ? { comment } : {});
  }

  closeRecall(id: string, reason: string): Promise<unknown> {
    return this.call('POST', `-/palisade/v1/recalls/${encodeURIComponent(id)}/close`, { reason });
  }

  reportDeployment(body: { service: string; environment: string; view?: string; reference?: string; filename?: string } & ({ lockfile: string } | { sbom: unknown })): Promise<unknown> {
    return this.call('POST', '-/palisade/v1/deployments', body);
  }

  alerts(after: string, subject: string, limit: number): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/alerts${query({ after, subject, limit })}`);
  }

  listDeadLetters(filter: { stream: string; consumer: string; limit?: number; before: string }): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/dead-letters${query(filter)}`);
  }

  showDeadLetter(id: string): Promise<unknown> {
    return this.call('GET', `-/palisade/v1/dead-letters/${encodeURIComponent(id)}`);
  }

  redriveDeadLetters(body: { ids: string[] } | { all: true; stream?: string; consumer?: string }): Promise<unknown> {
    return this.call('POST', '-/palisade/v1/dead-letters/redrive', body);
  }

  reconcile(body: { olderThanMs?: number; lookbackMs?: number; dryRun: boolean }): Promise<unknown> {
    return this.call('POST', '-/palisade/v1/reconcile', body);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.connection.registry}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${this.connection.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e: unknown) {
      throw new CliError(CliErrorCode.Registry, `cannot reach ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (response.ok && json) return json;
    if (!json) throw new CliError(CliErrorCode.Registry, `${method} ${url} answered ${response.status} ${response.statusText} without JSON`);
    const error = typeof json.error === 'string' ? json.error : `${response.status} ${response.statusText}`;
    const reasons = Array.isArray(json.reasons) ? json.reasons.filter((r): r is string => typeof r === 'string') : [];
    const code = typeof json.code === 'string' ? json.code : '';
    if (response.status === 401) throw new CliError(CliErrorCode.Config, `${this.connection.registry} did not accept the token (401): ${error}`);
    if (response.status >= 500) throw new CliError(CliErrorCode.Registry, `${method} ${url} answered ${response.status}: ${error}`);
    throw new RegistryRefusal(error, response.status, code, reasons);
  }
}
