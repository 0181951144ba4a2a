import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKey } from './entities/signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/**
 * The issuer's signing keys and their JWK Set. Other modules sign through SigningKeysService with
 * their own purpose (credentials, EdDSA; the LTI platform key, purpose `lti`, RS256), and
 * every purpose's public keys appear in the one `/.well-known/jwks.json` (infra/jwks).
 */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKey])],
  providers: [SigningKeysService, SigningKeysRepository],
  exports: [SigningKeysService],
})
export class KeysModule {}
