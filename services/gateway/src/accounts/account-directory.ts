import { Injectable } from '@nestjs/common';
import { UserStore } from './store/user-store';

/** A registry account as other gateway modules may see it (never its password hash). */
export interface Account {
  name: string;
  email: string;
  admin: boolean;
}

/** Read access to accounts for the rest of the gateway: maintainers, `_npmUser`, `npm owner add`. */
@Injectable()
export class AccountDirectory {
  constructor(private readonly users: UserStore) {}

  async findAccount(name: string): Promise<Account | undefined> {
    const user = await this.users.find(name);
    return user && { name: user.name, email: user.email, admin: user.admin };
  }
}
