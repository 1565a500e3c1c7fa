import { Module } from '@nestjs/common';

/** The promotion service: views, policies, approvals: admission of versions to views. */
@Module({})
export class PromotionModule {}
