/** JSON bodies of the recall routes are small... */
export const RECALL_BODY_LIMIT = 64 * 1024;
/** ...except a deployment report, which carries a whole lockfile or SBOM. */
export const DEPLOYMENT_BODY_LIMIT = 16 * 1024 * 1024;

/** The recall API under any view prefix (`/prod/-/palisade/v1/...` too). */
const RECALL_API = /^(?:\/[^/?]+)?\/-\/palisade\/v1\/(?<resource>recalls|deployments|alerts)(?:[/?]|$)/;

/**
 * The body limit of a request URL, or undefined outside the recall API. The router enforces it
 * with every other route's limit (http/request-bodies.ts).
 */
export function bodyLimitOf(url: string): number | undefined {
  const resource = RECALL_API.exec(url)?.groups?.resource;
  if (resource === undefined) return undefined;
  return resource === 'deployments' ? DEPLOYMENT_BODY_LIMIT : RECALL_BODY_LIMIT;
}
