import { Module } from '@nestjs/common';

/** The scanning service: OSV advisories, vulnerability matching, risk scores, malware heuristics, verdicts. */
@Module({})
export class ScanningModule {}
