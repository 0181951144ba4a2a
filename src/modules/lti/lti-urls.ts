import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/configuration';

/** The platform's public URLs, from APP_PUBLIC_URL (the `iss` of id_tokens). */
@Injectable()
export class LtiUrls {
  readonly issuer: string;

  constructor(@Inject(appConfig.KEY) cfg: ConfigType<typeof appConfig>) {
    this.issuer = cfg.publicUrl;
  }

  get authorizationEndpoint(): string {
    return `${this.issuer}/api/v1/lti/authorize`;
  }

  get tokenEndpoint(): string {
    return `${this.issuer}/api/v1/lti/token`;
  }

  get jwksUri(): string {
    return `${this.issuer}/.well-known/jwks.json`;
  }

  lineItems(courseId: string): string {
    return `${this.issuer}/api/v1/lti/courses/${courseId}/lineitems`;
  }

  lineItem(id: string): string {
    return `${this.issuer}/api/v1/lti/lineitems/${id}`;
  }
}
