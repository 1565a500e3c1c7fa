import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { AccountService } from '../auth/account-service';
import { TokenIssuer } from '../auth/token-issuer';
import { UNRESTRICTED_GRANT } from '../credentials/token-grant';
import { LoginSessionStore, type LoginSession } from '../store/login-session-store';
import { LOGIN_SECRET, LOGIN_SESSION_TTL_MS, loginSecretHash, loginSessionState, newLoginSecret } from './session-state';

/** Expired sessions are kept this long after expiry, so a late poll still hears 410 rather than 404. */
const EXPIRED_SESSION_GRACE_MS = 60 * 60_000;

export type PollOutcome = { kind: 'pending' } | { kind: 'token'; token: string } | { kind: 'gone' } | { kind: 'unknown' };

export type ApprovalOutcome = { kind: 'approved'; user: string } | { kind: 'bad-credentials' } | { kind: 'invalid'; problems: string[] } | { kind: 'gone' };

/**
 * The device-style web login: npm starts a session and polls its done URL; the person opens the
 * login URL and signs in; the next poll (on any replica) claims a fresh token exactly once.
 * Tokens are minted at claim time, so no token value is ever stored, not even briefly.
 */
@Injectable()
export class WebLoginService {
  constructor(
    private readonly sessions: LoginSessionStore,
    private readonly accounts: AccountService,
    private readonly issuer: TokenIssuer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async start(allowSignup: boolean): Promise<{ loginId: string; sessionId: string }> {
    const loginId = newLoginSecret();
    const sessionId = newLoginSecret();
    await this.sessions.purgeExpired(EXPIRED_SESSION_GRACE_MS);
    await this.sessions.create({
      id: randomUUID(),
      loginHash: loginSecretHash(loginId),
      doneHash: loginSecretHash(sessionId),
      allowSignup,
      expires: new Date(Date.now() + LOGIN_SESSION_TTL_MS),
    });
    return { loginId, sessionId };
  }

  /** The session behind a login URL, when it still waits for someone to sign in. */
  async pendingSession(loginId: string): Promise<{ session: LoginSession } | { gone: true } | undefined> {
    if (!LOGIN_SECRET.test(loginId)) return undefined;
    const session = await this.sessions.findByLoginHash(loginSecretHash(loginId));
    if (!session) return undefined;
    return loginSessionState(session, new Date()) === 'pending' ? { session } : { gone: true };
  }

  async approve(session: LoginSession, form: { username?: string; password?: string; email?: string }): Promise<ApprovalOutcome> {
    const name = (form.username ?? '').trim();
    const password = form.password ?? '';
    if (!name || !password) return { kind: 'invalid', problems: ['enter your user name and password'] };
    let user = (await this.accounts.verify(name, password))?.name;
    if (!user && session.allowSignup && form.email && !(await this.accounts.findUser(name))) {
      const problems = this.accounts.registrationProblems({ name, email: form.email, password });
      if (problems.length > 0) return { kind: 'invalid', problems };
      if (await this.accounts.register({ name, email: form.email, password })) user = name;
    }
    if (!user) return { kind: 'bad-credentials' };
    return (await this.sessions.approve(session.id, user)) ? { kind: 'approved', user } : { kind: 'gone' };
  }

  async poll(sessionId: string): Promise<PollOutcome> {
    if (!LOGIN_SECRET.test(sessionId)) return { kind: 'unknown' };
    const session = await this.sessions.findByDoneHash(loginSecretHash(sessionId));
    if (!session) return { kind: 'unknown' };
    const state = loginSessionState(session, new Date());
    if (state === 'pending') return { kind: 'pending' };
    if (state !== 'approved') return { kind: 'gone' };
    return this.dataSource.transaction(async (tx): Promise<PollOutcome> => {
      const user = await this.sessions.consume(session.id, tx);
      if (!user) return { kind: 'gone' };
      const { token } = await this.issuer.issue(user, 'login', { ...UNRESTRICTED_GRANT, name: 'npm login (web)' }, tx);
      return { kind: 'token', token };
    });
  }
}
