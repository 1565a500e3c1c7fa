import { Injectable } from '@nestjs/common';
import { PalisadeError } from '@palisade/errors';
import type { TokenGrant } from '../credentials/token-grant';
import { displayPrefixOf, generateToken, tokenKeyOf } from '../credentials/token-secret';
import type { Db } from '../store/db';
import { TokenStore, type TokenKind, type TokenRecord } from '../store/token-store';

export interface IssuedToken {
  /** The value, shown to its owner once and never stored. */
  token: string;
  record: TokenRecord;
}

@Injectable()
export class TokenIssuer {
  constructor(private readonly tokens: TokenStore) {}

  async issue(user: string, kind: TokenKind, grant: TokenGrant, db?: Db): Promise<IssuedToken> {
    const token = generateToken();
    const record = await this.tokens.insert({ key: tokenKeyOf(token), user, kind, displayPrefix: displayPrefixOf(token), ...grant }, db);
    // 256 random bits never collide; a duplicate key means the generator is broken.
    if (!record) throw new PalisadeError('GATEWAY_TOKEN_COLLISION', 'a freshly generated token already exists');
    return { token, record };
  }
}
