import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { OneTimeToken } from './entities/one-time-token.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { PurgeTokensProcessor } from './jobs/purge-tokens.processor';
import { LoginLockoutService } from './login-lockout.service';
import { MfaService } from './mfa.service';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevokedTokensStore } from './revoked-tokens.store';
import { TokenService } from './token.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshToken, OneTimeToken]),
    JwtModule.register({}),
    UsersModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    RevokedTokensStore,
    LoginLockoutService,
    MfaService,
    RefreshTokensRepository,
    OneTimeTokensRepository,
    JwtAuthGuard,
    PurgeTokensProcessor,
  ],
  exports: [JwtAuthGuard],
})
export class AuthModule {}
