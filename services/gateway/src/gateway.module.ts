import { Module } from '@nestjs/common';

/** The gateway service: npm registry protocol (HTTP), auth and tokens, per-view read models. */
@Module({})
export class GatewayModule {}
