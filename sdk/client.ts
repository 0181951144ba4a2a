/**
 * Typed client for the LMS API, generated from openapi.json (`npm run sdk` regenerates
 * schema.d.ts). Responses keep the envelope: `data.data` is the payload, `error.error.code` the
 * error code.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export type LmsClient = Client<paths>;
export type { paths } from './schema';

export interface LmsClientOptions {
  /** e.g. `https://lms.example.com` (the paths already start with /api/v1). */
  baseUrl: string;
  /** Returns the current access token, if any; called for every request. */
  accessToken?: () => string | undefined;
}

export function createLmsClient(options: LmsClientOptions): LmsClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = options.accessToken?.();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
