import type { NextFunction, Request, Response } from 'express';
import { errorEnvelope } from '../dto/error-envelope';
import { requestIdOf } from '../http/request-context';

/** Probes and scrapes address the pod by IP, whatever the public host names are. */
const PROBE_PATHS = new Set(['/api/v1/health', '/api/v1/ready', '/metrics']);

/** With TRUSTED_HOSTS set, a request whose Host header is not listed gets 400 (host header attacks). */
export function trustedHostsMiddleware(hosts: string[]) {
  const allowed = new Set(hosts);
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (allowed.size === 0 || allowed.has(host) || PROBE_PATHS.has(req.path)) {
      next();
      return;
    }
    res
      .status(400)
      .json(
        errorEnvelope(
          'BAD_REQUEST',
          'Host not allowed',
          [{ field: 'host', message: 'not a trusted host' }],
          requestIdOf(req),
        ),
      );
  };
}
