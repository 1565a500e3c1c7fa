import { DEPLOYMENT_BODY_LIMIT, RECALL_BODY_LIMIT, bodyLimitOf } from './body-limits';

describe('recall API body limits', () => {
  it.each([
    ['/-/palisade/v1/recalls', RECALL_BODY_LIMIT],
    ['/prod/-/palisade/v1/recalls/rc-1/overrides/ov-1/approve', RECALL_BODY_LIMIT],
    ['/-/palisade/v1/alerts?after=1', RECALL_BODY_LIMIT],
    ['/-/palisade/v1/deployments', DEPLOYMENT_BODY_LIMIT],
    ['/staging/-/palisade/v1/deployments?x=1', DEPLOYMENT_BODY_LIMIT],
    ['/-/palisade/v1/promotions/a@1.0.0', undefined],
    ['/dev/@acme%2fwidget', undefined],
    ['/-/palisade/v1/recallsx', undefined],
  ])('%s → %s', (url, limit) => {
    expect(bodyLimitOf(url)).toBe(limit);
  });
});
