import type { MessageInitShape } from '@bufbuild/protobuf';
import type { RollbackSuggestionSchema } from '@palisade/contracts';
import type { EntityManager } from 'typeorm';
import { chooseRollback, rollbackCommand, type RollbackCandidate } from '../domain/rollback';
import { CaseStore } from '../store/case-store';
import { CatalogueStore } from '../store/catalogue-store';

export type SuggestionInit = MessageInitShape<typeof RollbackSuggestionSchema>;

/** Rollback suggestions for one case's package, from the catalogue as it stands (loaded once). */
export class RollbackPlanner {
  private readonly memo = new Map<string, string | undefined>();

  private constructor(
    readonly name: string,
    private readonly candidates: readonly RollbackCandidate[],
    private readonly affected: ReadonlySet<string>,
  ) {}

  static async load(db: EntityManager, name: string, affected: Iterable<string>): Promise<RollbackPlanner> {
    const [candidates, quarantined] = [await CatalogueStore.rollbackCandidates(db, name), await CaseStore.quarantinedViews(db, name)];
    return new RollbackPlanner(
      name,
      candidates.map((c) => ({ ...c, quarantinedIn: quarantined.get(c.version) ?? [] })),
      new Set(affected),
    );
  }

  /** The safe version for someone on `from` in `view`; undefined when there is none. */
  to(from: string, view: string): string | undefined {
    const key = `${from}\u0000${view}`;
    if (!this.memo.has(key)) this.memo.set(key, chooseRollback({ from, view, candidates: this.candidates, affected: this.affected }));
    return this.memo.get(key);
  }

  suggestion(from: string, view: string, direct: boolean): SuggestionInit {
    const to = this.to(from, view);
    return { name: this.name, fromVersion: from, toVersion: to ?? '', view, command: rollbackCommand(this.name, to, direct), direct };
  }
}
