import { Inject, Injectable } from '@nestjs/common';
import type { MessageBus } from '@palisade/messaging';
import { MESSAGE_BUS } from '@palisade/platform';
import { assertAdmin, assertAuthenticated } from '../../accounts/permissions';
import { RegistryHttpError } from '../../http/registry-errors';
import type { Principal, RegistryReply, RegistryRequest, RegistryRoute, RouteParams } from '../../http/registry-request';
import { asRegistryError, listQueryOf, redriveSelectionOf } from '../dead-letter-requests';
import { busUnavailable } from '../../http/bus-unavailable';

/** Reading dead letters is for administrators; a read-only administrator token will do. */
async function adminReader(request: RegistryRequest, action: string): Promise<Principal> {
  const principal = await request.principal();
  assertAuthenticated(principal, `log in as an administrator to ${action}`);
  if (!principal.admin) throw new RegistryHttpError('PAL_ERR_FORBIDDEN', `only administrators may ${action}`);
  return principal;
}

async function answer(bus: MessageBus, work: () => Promise<unknown>): Promise<RegistryReply> {
  // Dead letters are read from the broker itself: without it, answer at once like a command would.
  if (!bus.health().connected) throw busUnavailable(undefined);
  try {
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: await work() };
  } catch (error: unknown) {
    throw asRegistryError(error);
  }
}

/**
 * `GET /-/palisade/v1/dead-letters?stream=&consumer=&limit=&before=` (administrators): dead
 * letters of every consumer, newest first: `{ deadLetters: [...], total, next? }`; pass `next`
 * as `before` for the next page.
 */
@Injectable()
export class ListDeadLettersRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/dead-letters$/;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    await adminReader(request, 'read dead letters');
    const query = listQueryOf(request.query);
    return answer(this.bus, () => this.bus.deadLetters().list(query));
  }
}

/** `GET /-/palisade/v1/dead-letters/<id>` (administrators): one dead letter, its headers and its payload as JSON. */
@Injectable()
export class ShowDeadLetterRoute implements RegistryRoute {
  readonly method = 'GET';
  readonly pattern = /^\/-\/palisade\/v1\/dead-letters\/(?<id>[^/]+)$/;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async handle(request: RegistryRequest, params: RouteParams): Promise<RegistryReply> {
    await adminReader(request, 'read dead letters');
    return answer(this.bus, () => this.bus.deadLetters().show(params.id));
  }
}

/**
 * `POST /-/palisade/v1/dead-letters/redrive` `{ "ids": [...] }` or `{ "all": true, "stream"?,
 * "consumer"? }` (administrators, writable token): replays each to the consumer that
 * dead-lettered it, and only to it; `{ redriven: [...], alreadyRedriven: [ids] }`.
 */
@Injectable()
export class RedriveDeadLettersRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/dead-letters\/redrive$/;

  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    assertAdmin(await request.principal(), 'redrive dead letters');
    const selection = redriveSelectionOf(request.body);
    return answer(this.bus, () => this.bus.deadLetters().redrive(selection));
  }
}
