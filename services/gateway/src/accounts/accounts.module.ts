import { Module, type Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { Authenticator, type RegistryRoute } from '../http/registry-request';
import { AccountDirectory } from './account-directory';
import { AccountService } from './auth/account-service';
import { BootstrapAdmin } from './auth/bootstrap-admin';
import { passwordThrottleProvider } from './auth/password-throttle';
import { TokenAuthenticator } from './auth/token-authenticator';
import { TokenIssuer } from './auth/token-issuer';
import { CouchLoginRoute } from './routes/couch-login.route';
import { CouchUserRoute } from './routes/couch-user.route';
import { LogoutRoute } from './routes/logout.route';
import { TokenCreateRoute } from './routes/token-create.route';
import { TokenListRoute } from './routes/token-list.route';
import { TokenRevokeRoute } from './routes/token-revoke.route';
import { WhoamiRoute } from './routes/whoami.route';
import { AccountTables1765100000001 } from './store/account-tables.migration';
import { LoginSessionStore } from './store/login-session-store';
import { TokenStore } from './store/token-store';
import { UserStore } from './store/user-store';
import { WebLoginDoneRoute } from './web-login/web-login-done.route';
import { WebLoginPageRoute } from './web-login/web-login-page.route';
import { WebLoginStartRoute } from './web-login/web-login-start.route';
import { WebLoginSubmitRoute } from './web-login/web-login-submit.route';
import { WebLoginService } from './web-login/web-login.service';

/** The account routes, most specific first (every pattern is anchored, none overlaps another). */
export const accountRoutes: Type<RegistryRoute>[] = [
  WhoamiRoute,
  CouchUserRoute,
  CouchLoginRoute,
  LogoutRoute,
  TokenListRoute,
  TokenCreateRoute,
  TokenRevokeRoute,
  WebLoginStartRoute,
  WebLoginPageRoute,
  WebLoginSubmitRoute,
  WebLoginDoneRoute,
];

export const accountMigrations: Array<new () => MigrationInterface> = [AccountTables1765100000001];
// Raw SQL over the tables of the migration above; no TypeORM entities.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const accountEntities: Function[] = [];

/**
 * Users, tokens and logins: the `Authenticator` the registry router resolves callers with, the
 * npm account routes, the bootstrap administrator, and `AccountDirectory` for other modules.
 */
@Module({
  providers: [
    UserStore,
    TokenStore,
    LoginSessionStore,
    passwordThrottleProvider,
    AccountService,
    TokenIssuer,
    TokenAuthenticator,
    { provide: Authenticator, useExisting: TokenAuthenticator },
    BootstrapAdmin,
    WebLoginService,
    AccountDirectory,
    ...accountRoutes,
  ],
  exports: [Authenticator, AccountDirectory, ...accountRoutes],
})
export class AccountsModule {}
