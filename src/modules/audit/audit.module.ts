import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { AuditPersonalData } from './audit.personal-data';
import { AuditRepository } from './audit.repository';
import { AuditEvent } from './entities/audit-event.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [AuditLog, AuditRepository, AuditPersonalData],
  exports: [AuditLog],
})
export class AuditModule {}
