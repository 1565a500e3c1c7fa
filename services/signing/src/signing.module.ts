import { Module } from '@nestjs/common';

/** The signing service: registry keys, npm-compatible signatures, attestations, transparency log. */
@Module({})
export class SigningModule {}
