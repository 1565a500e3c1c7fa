import { Injectable } from '@nestjs/common';
import { PackageDocumentAdmission, type LargeDocumentKind, type Principal } from '../../http/registry-request';
import { assertMaintainer } from '../domain/write-permission';
import { PackageReader } from '../store/package-reader';

/** The maintainer check of publishes and metadata changes, made before a large body is read. */
@Injectable()
export class MaintainerDocumentAdmission extends PackageDocumentAdmission {
  constructor(private readonly reader: PackageReader) {
    super();
  }

  async admit(principal: Principal, name: string): Promise<LargeDocumentKind> {
    const ownership = await this.reader.ownershipOf(name);
    if (!ownership.exists) return 'first-publish';
    assertMaintainer(principal, name, ownership.maintainers);
    return 'existing';
  }
}
