import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { authConfig } from '../../config/configuration';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { OneTimeToken } from './entities/one-time-token.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { AccessTokens } from './access-tokens';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { AccountMailProcessor } from './jobs/account-mail.processor';
import { PurgeTokensProcessor } from './jobs/purge-tokens.processor';
import { MfaService } from './mfa.service';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { RevokedTokensStore } from './revoked-tokens.store';
import { SessionsPersonalData } from './sessions.personal-data';
import { TokenService } from './token.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshToken, OneTimeToken]),
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as
      // a public key on every verification, a quarter of an authenticated request's CPU.
      useFactory: (cfg: ConfigType<typeof authConfig>) => ({
        secret: createSecretKey(Buffer.from(cfg.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    RevokedTokensStore,
    RevokedTokensRepository,
    MfaService,
    RefreshTokensRepository,
    OneTimeTokensRepository,
    JwtAuthGuard,
    AccessTokens,
    PurgeTokensProcessor,
    AccountMailProcessor,
    SessionsPersonalData,
  ],
  exports: [JwtAuthGuard, AccessTokens, AuthService],
})
export class AuthModule {}
