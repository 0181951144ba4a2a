import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { KeysModule } from '../keys/keys.module';
import { AgsController } from './ags.controller';
import { AgsRepository } from './ags.repository';
import { AgsService } from './ags.service';
import { LtiTool } from './entities/lti-tool.entity';
import { LtiLaunchController } from './lti-launch.controller';
import { LtiLaunchService } from './lti-launch.service';
import { LtiPlatformController } from './lti-platform.controller';
import { LtiSecrets } from './lti-secrets';
import { LtiTokenService } from './lti-token.service';
import { LtiToolsController } from './lti-tools.controller';
import { LtiToolsRepository } from './lti-tools.repository';
import { LtiToolsService } from './lti-tools.service';
import { LtiUrls } from './lti-urls';
import { ReplayGuardRepository } from './replay-guard.repository';
import { ToolJwksClient } from './tool-jwks.client';
import { AuditModule } from '../audit/audit.module';

/** The API as an LTI 1.3 platform with Assignment and Grade Services (contract 1.1 "LTI 1.3"). */
@Module({
  imports: [
    TypeOrmModule.forFeature([LtiTool]),
    CoursesModule,
    EnrollmentsModule,
    KeysModule,
    AuditModule,
  ],
  controllers: [LtiToolsController, LtiPlatformController, LtiLaunchController, AgsController],
  providers: [
    LtiToolsService,
    LtiToolsRepository,
    LtiLaunchService,
    LtiTokenService,
    AgsService,
    AgsRepository,
    LtiSecrets,
    LtiUrls,
    ReplayGuardRepository,
    ToolJwksClient,
  ],
})
export class LtiModule {}
