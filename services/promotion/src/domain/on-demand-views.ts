import { rulesFor, type PolicyDocument } from './policy';

/**
 * The views, in view order, that admit an upstream version as soon as it is scanned and signed:
 * automatic admission, no minimum age, no approvals, and the same in every view before them (a
 * version enters a view only from the one before). Only there may the gateway list upstream
 * versions before they are judged, and judge one when a client asks for it: elsewhere a listed
 * version could wait for days (a cooldown) or for people (approvals).
 */
export function onDemandViews(document: PolicyDocument, views: readonly string[]): string[] {
  const onDemand: string[] = [];
  for (const view of views) {
    const policy = document.views[view];
    if (!policy) break;
    const rules = rulesFor(policy, 'upstream');
    if (rules.admit !== 'automatic' || rules.minimumAgeMs > 0 || rules.approvals.count > 0) break;
    onDemand.push(view);
  }
  return onDemand;
}
