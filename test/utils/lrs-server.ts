import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface LrsRequest {
  path: string;
  headers: IncomingHttpHeaders;
  statement: Record<string, unknown> | undefined;
  status: number;
}

/**
 * A Learning Record Store on loopback, as much as the tests need: `POST /xapi/statements` with one
 * statement, Basic auth and `X-Experience-API-Version: 1.0.3` checked; stored by id (200 with the
 * id), an id already stored answers 409; `down()` makes it answer 503 until `up()`.
 */
export class LrsServer {
  readonly requests: LrsRequest[] = [];
  readonly stored = new Map<string, Record<string, unknown>>();
  private failing = false;
  private readonly server: Server;
  private origin = '';

  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let statement: Record<string, unknown> | undefined;
        try {
          statement = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
        } catch {
          statement = undefined;
        }
        const status = this.answer(req.method, req.url, req.headers, statement);
        this.requests.push({ path: req.url ?? '', headers: req.headers, statement, status });
        if (status === 200) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify([statement!.id]));
        } else {
          res.writeHead(status).end();
        }
      });
    });
  }

  private answer(
    method: string | undefined,
    url: string | undefined,
    headers: IncomingHttpHeaders,
    statement: Record<string, unknown> | undefined,
  ): number {
    if (this.failing) return 503;
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (headers.authorization !== expected) return 401;
    if (method !== 'POST' || url !== '/xapi/statements') return 404;
    if (headers['x-experience-api-version'] !== '1.0.3') return 400;
    if (!statement || typeof statement.id !== 'string') return 400;
    if (this.stored.has(statement.id)) return 409;
    this.stored.set(statement.id, statement);
    return 200;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The LRS endpoint to configure (statements go to `{endpoint}/statements`). */
  get endpoint(): string {
    return `${this.origin}/xapi`;
  }

  down(): void {
    this.failing = true;
  }

  up(): void {
    this.failing = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
