import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CoursesModule } from '../courses/courses.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { CertificateLookup } from '../enrollments/certificate.lookup';
import { UsersModule } from '../users/users.module';
import { CertificateLookupProvider } from './certificate-lookup.provider';
import { CertificatesController } from './certificates.controller';
import { CertificatesPersonalData } from './certificates.personal-data';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { Certificate } from './entities/certificate.entity';
import { RerenderCertificatesProcessor } from './jobs/rerender-certificates.processor';
import { IssueCertificateProcessor } from './jobs/issue-certificate.processor';

/** Global only to hand the enrollments module its CertificateLookup (see that class). */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([Certificate]),
    CoursesModule,
    UsersModule,
    CredentialsModule,
    AuditModule,
  ],
  controllers: [CertificatesController],
  providers: [
    CertificatesService,
    CertificatesRepository,
    IssueCertificateProcessor,
    RerenderCertificatesProcessor,
    CertificatesPersonalData,
    { provide: CertificateLookup, useClass: CertificateLookupProvider },
  ],
  exports: [CertificateLookup],
})
export class CertificatesModule {}
