import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Strict headers for API responses (an API serves no HTML, so its CSP allows nothing); the Swagger
 * UI under /docs gets the little it needs to run. HSTS only in production, behind TLS.
 */
export function securityHeadersMiddleware(production: boolean): RequestHandler {
  const common = {
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-site' as const },
  };
  const api = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });
  return (req, res, next) => (req.path.startsWith('/docs') ? docs : api)(req, res, next);
}
