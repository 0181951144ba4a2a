import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/modules/webhooks/webhook-signature';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Answer = { status: number; headers?: Record<string, string> } | 'hang-up';
/** May answer later: return a promise to hold the request open until the test decides. */
export type Reply = (count: number) => Answer | Promise<Answer>;

/** A webhook receiver on loopback: one server, one path per test endpoint, scripted answers. */
export class Receiver {
  readonly requests: Received[] = [];
  private readonly replies = new Map<string, Reply>();
  private readonly server: Server;
  private origin = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
        const reply: Reply = this.replies.get(path) ?? (() => ({ status: 204 }));
        const answer = reply(this.at(path).length);
        void Promise.resolve(answer).then((given) => {
          if (given === 'hang-up') {
            req.socket.destroy();
            return;
          }
          res.writeHead(given.status, given.headers).end();
        });
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A fresh URL on this receiver answering with `reply` (204 by default). */
  url(reply?: Reply): string {
    const path = `/hooks/${randomUUID()}`;
    if (reply) this.replies.set(path, reply);
    return `${this.origin}${path}`;
  }

  /** Requests received on the path of `url`. */
  at(url: string): Received[] {
    const path = url.startsWith('http') ? new URL(url).pathname : url;
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Whether the request carries a valid Standard Webhooks signature for `secret`. */
export function verify(secret: string, request: Received): boolean {
  return verifyWebhook(
    secret,
    {
      id: String(request.headers['webhook-id']),
      timestamp: String(request.headers['webhook-timestamp']),
      signature: String(request.headers['webhook-signature']),
    },
    request.body,
  );
}
