import { Injectable } from '@nestjs/common';
import { RegistryHttpError } from '../../http/registry-errors';
import { currentClientIp } from '../../http/request-context';
import { emailProblem, passwordProblem, RESERVED_USER_NAMES, userNameProblem } from '../credentials/account-rules';
import { hashPassword, verifyPassword } from '../credentials/password-hasher';
import { UserStore, type UserRecord } from '../store/user-store';
import { PasswordThrottle } from './password-throttle';

export interface Registration {
  name: string;
  email: string;
  password: string;
}

/** Password checks and sign-up, shared by the legacy (couch) and the web login. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UserStore,
    private readonly throttle: PasswordThrottle,
  ) {}

  findUser(name: string): Promise<UserRecord | undefined> {
    return this.users.find(name);
  }

  /**
   * The user when the password is theirs; takes as long for unknown users as for wrong passwords.
   * Throttled per account and per client address (429 `PAL_ERR_TOO_MANY_ATTEMPTS` when locked).
   */
  async verify(name: string, password: string): Promise<UserRecord | undefined> {
    return this.throttle.check(name, currentClientIp(), async () => {
      const user = await this.users.find(name);
      return (await verifyPassword(user?.passwordHash, password)) ? user : undefined;
    });
  }

  /** Every problem with a would-be account, for one 400 answer. */
  registrationProblems(registration: Partial<Registration>): string[] {
    const problems: string[] = [];
    const name = registration.name ?? '';
    const nameProblem = userNameProblem(name);
    if (nameProblem) problems.push(nameProblem);
    else if (RESERVED_USER_NAMES.includes(name)) problems.push(`the user name ${name} is reserved`);
    if (!registration.email) problems.push('an email address is required to create an account');
    else {
      const problem = emailProblem(registration.email);
      if (problem) problems.push(problem);
    }
    const problem = passwordProblem(registration.password ?? '');
    if (problem) problems.push(problem);
    return problems;
  }

  /**
   * Creates the account. False when the name was taken meanwhile (a concurrent sign-up): the
   * caller then treats the request as a login.
   */
  async register(registration: Registration): Promise<boolean> {
    const problems = this.registrationProblems(registration);
    if (problems.length > 0) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', problems.join('; '));
    return this.users.create({ name: registration.name, email: registration.email, passwordHash: await hashPassword(registration.password) });
  }
}
