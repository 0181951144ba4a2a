import { Injectable } from '@nestjs/common';

/** A public JSON Web Key as published in `/.well-known/jwks.json`. */
export interface PublicJwk {
  kid: string;
  kty: string;
  alg?: string;
  use?: string;
  [member: string]: unknown;
}

/** A module that publishes public keys (LTI platform keys, credential signing keys...). */
export interface JwksContributor {
  publicJwks(): Promise<PublicJwk[]>;
}

/**
 * The one JWKS document of this API: modules register a contributor when they start, and the
 * document is the union of their keys. Modules need not know about each other.
 */
@Injectable()
export class JwksRegistry {
  private readonly contributors: JwksContributor[] = [];

  register(contributor: JwksContributor): void {
    this.contributors.push(contributor);
  }

  async keys(): Promise<PublicJwk[]> {
    const sets = await Promise.all(this.contributors.map((c) => c.publicJwks()));
    return sets.flat();
  }
}
