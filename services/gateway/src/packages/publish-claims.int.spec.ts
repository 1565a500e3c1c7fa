import { runCleanups } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from './__fixtures__/gateway-harness';
import { PENDING_CLAIM_SECONDS, PublishClaims } from './store/publish-claims';
import { ReadModelWriter } from './store/read-model-writer';

// Claims of new names and scopes on the real schema: atomic under concurrency, both-or-neither,
// permanent only once accepted, given back on refusal, and a pending claim of a dead publish lapses.
let h: GatewayHarness;
let claims: PublishClaims;

const held = async () =>
  (await h.service.dataSource.query(
    `SELECT 'name' AS kind, name AS key, owner, accepted FROM palisade_gateway.name_claims
     UNION ALL SELECT 'scope', scope, owner, accepted FROM palisade_gateway.scope_owners ORDER BY 1, 2`,
  )) as Array<{ kind: string; key: string; owner: string; accepted: boolean }>;

beforeAll(async () => {
  h = await startGatewayHarness(`gw_claims_${process.pid}`);
  claims = h.service.app.get(PublishClaims);
});

afterAll(() => runCleanups());

beforeEach(async () => {
  await h.service.dataSource.query('DELETE FROM palisade_gateway.name_claims');
  await h.service.dataSource.query('DELETE FROM palisade_gateway.scope_owners');
});

describe('PublishClaims', () => {
  it('gives a new name to exactly one of many concurrent claimants', async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const outcomes = await Promise.all(users.map((user) => claims.claim('contested', undefined, user)));
    expect(outcomes.filter((o) => o.mine)).toHaveLength(1);
    const owner = users[outcomes.findIndex((o) => o.mine)];
    for (const o of outcomes.filter((x) => !x.mine)) expect(o).toEqual({ mine: false, kind: 'name', owner });
    // The same user again (a second version in flight) still holds it.
    expect(await claims.claim('contested', undefined, owner)).toEqual({ mine: true });
  });

  it('claims a scope and a name together or not at all', async () => {
    expect(await claims.claim('@acme/a', '@acme', 'alice')).toEqual({ mine: true });
    await claims.accept('@acme/a', '@acme', 'alice');
    expect(await claims.claim('@acme/b', '@acme', 'bob')).toEqual({ mine: false, kind: 'scope', owner: 'alice' });
    expect(await claims.claim('@free/x', '@free', 'carol')).toEqual({ mine: true });
    expect(await claims.claim('@other/x', '@other', 'dave')).toEqual({ mine: true });
    // A claim in a scope someone else's first publish holds fails whole: no name is left claimed.
    expect(await claims.claim('@other/y', '@other', 'eve')).toMatchObject({ mine: false, kind: 'scope' });
    expect((await held()).filter((c) => c.owner === 'eve' || c.owner === 'bob')).toEqual([]);
  });

  it('gives everything back on refusal, keeping a scope another pending publish of the same user needs', async () => {
    await claims.claim('@s/one', '@s', 'alice');
    await claims.claim('@s/two', '@s', 'alice');
    await claims.release('@s/one', '@s', 'alice');
    expect(await held()).toEqual([
      { kind: 'name', key: '@s/two', owner: 'alice', accepted: false },
      { kind: 'scope', key: '@s', owner: 'alice', accepted: false },
    ]);
    await claims.release('@s/two', '@s', 'alice');
    expect(await held()).toEqual([]);
    expect(await claims.claim('@s/one', '@s', 'bob')).toEqual({ mine: true });
  });

  it('never releases an accepted claim, and lets a lapsed pending claim be taken over', async () => {
    await claims.claim('kept', undefined, 'alice');
    await claims.accept('kept', undefined, 'alice');
    await claims.release('kept', undefined, 'alice');
    expect(await claims.claim('kept', undefined, 'bob')).toEqual({ mine: false, kind: 'name', owner: 'alice' });

    await claims.claim('stale', undefined, 'alice');
    expect(await claims.claim('stale', undefined, 'bob')).toMatchObject({ mine: false });
    await h.service.dataSource.query(`UPDATE palisade_gateway.name_claims SET claimed_at = now() - make_interval(secs => $1) WHERE name = 'stale'`, [PENDING_CLAIM_SECONDS + 1]);
    expect(await claims.claim('stale', undefined, 'bob')).toEqual({ mine: true });
  });

  it('are made permanent by the version.ingested event when the forwarding gateway could not record it', async () => {
    await claims.claim('@late/pkg', '@late', 'alice');
    const writer = h.service.app.get(ReadModelWriter);
    await h.service.dataSource.transaction((tx) =>
      writer.applyIngested(tx, { name: '@late/pkg', version: '1.0.0', manifestJson: '{}', integrity: 'sha512-x', blobKey: 'k', size: 1, publishedAt: new Date(), publisher: 'alice' }),
    );
    expect(await held()).toEqual([
      { kind: 'name', key: '@late/pkg', owner: 'alice', accepted: true },
      { kind: 'scope', key: '@late', owner: 'alice', accepted: true },
    ]);
    // Accepted claims do not lapse: long after, the scope is still alice's.
    await h.service.dataSource.query(`UPDATE palisade_gateway.scope_owners SET claimed_at = now() - make_interval(secs => $1)`, [PENDING_CLAIM_SECONDS * 10]);
    expect(await claims.claim('@late/squat', '@late', 'mallory')).toEqual({ mine: false, kind: 'scope', owner: 'alice' });
  });
});
