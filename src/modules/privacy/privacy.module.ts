import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { PersonalDataSections } from './personal-data-sections';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** Personal data: export and erasure over every module's PersonalDataSection. */
@Module({
  imports: [DiscoveryModule, UsersModule, AuditModule],
  controllers: [PrivacyController],
  providers: [PrivacyService, PersonalDataSections],
})
export class PrivacyModule {}
