import { Module } from '@nestjs/common';
import { AdmitIngestedVersionHandler } from './handlers/admit-ingested-version.handler';

/** The promotion service: views, policies, approvals: admission of versions to views. */
@Module({ controllers: [AdmitIngestedVersionHandler] })
export class PromotionModule {}
