import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { CredentialsController } from './credentials.controller';
import { CredentialsPersonalData } from './credentials.personal-data';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';
import { CertificateCredential } from './entities/certificate-credential.entity';
import { StatusList } from './entities/status-list.entity';

/**
 * Open Badges 3.0 credentials and their status lists. The certificates module owns the
 * certificates and calls in (issue, revoke) inside its own transactions.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CertificateCredential, StatusList]), KeysModule],
  controllers: [CredentialsController],
  providers: [CredentialsService, CredentialsRepository, CredentialsPersonalData],
  exports: [CredentialsService],
})
export class CredentialsModule {}
