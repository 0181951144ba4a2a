import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { ProfilePersonalData } from './profile.personal-data';
import { UserStateCache } from './user-state.cache';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), AuditModule],
  controllers: [UsersController],
  providers: [
    UsersService,
    UsersRepository,
    PasswordHasher,
    UserStateCache,
    BootstrapAdminService,
    ProfilePersonalData,
  ],
  exports: [UsersService],
})
export class UsersModule {}
