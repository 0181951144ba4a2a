import compression from 'compression';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Response compression (the `compression` package) for the requests that accept an encoding.
 * A request without `Accept-Encoding` can only get the identity encoding, yet compression's
 * middleware would still wrap its response's `write`, `end`, `on` and `writeHead` and subscribe to
 * its close: about 2.5 % of an uncached catalogue request's CPU and 8 KB of garbage for nothing
 * (bench/RESULTS.md, issue 23). Every response says it varies by `Accept-Encoding`, as
 * compression says for the ones it looks at, so caches keep the encodings apart.
 */
export function compressionMiddleware(thresholdBytes: number): RequestHandler {
  const compress = compression({ threshold: thresholdBytes });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.headers['accept-encoding']) {
      compress(req, res, next);
      return;
    }
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  };
}
