import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmptyDatabase, dropTestDatabase } from './test-database';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
type LtiProvider = any;

export interface LtiLaunchSeen {
  user: string;
  roles: string[];
  context: { id: string; title?: string };
  resource: { id: string; title?: string };
  custom: Record<string, string> | undefined;
  endpoint: { scope: string[]; lineitems: string; lineitem?: string } | undefined;
  messageType: string;
  deploymentId: string;
  clientId: string;
  /** The id token as ltijs keeps it (res.locals.token), for its Grade service. */
  token: unknown;
}

/**
 * A real LTI 1.3 tool: ltijs (a maintained tool library) with its PostgreSQL storage plugin on a
 * database of its own, served on a loopback port. Its launch route records what ltijs exposes
 * after validating our id_token. ltijs' Provider is a process-wide singleton: one per test file.
 */
export class LtijsTool {
  readonly launches: LtiLaunchSeen[] = [];
  private server?: Server;
  private databaseUrl?: string;
  url = '';

  constructor(readonly provider: LtiProvider) {}

  static async start(): Promise<LtijsTool> {
    // Loaded here: requiring ltijs constructs its singleton Provider.
    const { Provider } = require('ltijs');
    const Database = require('ltijs-sequelize');
    const databaseUrl = await createEmptyDatabase();
    const parsed = new URL(databaseUrl);
    const db = new Database(
      parsed.pathname.slice(1),
      decodeURIComponent(parsed.username),
      decodeURIComponent(parsed.password),
      { host: parsed.hostname, port: Number(parsed.port), dialect: 'postgres', logging: false },
    );
    const tool = new LtijsTool(Provider);
    tool.databaseUrl = databaseUrl;
    // Plain http on loopback: cookies without `secure` (ltijs' default), and no devMode, so ltijs
    // insists on its state cookie and session cookie as it does in production.
    Provider.setup(
      'ltijs-test-encryption-key',
      { plugin: db },
      {
        appRoute: '/launch',
        loginRoute: '/login',
        keysetRoute: '/keys',
        cookies: { secure: false, sameSite: 'Lax' },
        devMode: false,
      },
    );
    Provider.onConnect((token: any, _req: unknown, res: any) => {
      const context = res.locals.context;
      tool.launches.push({
        user: token.user,
        roles: context.roles,
        context: context.context,
        resource: context.resource,
        custom: context.custom,
        endpoint: context.endpoint,
        messageType: context.messageType,
        deploymentId: token.deploymentId,
        clientId: token.clientId,
        token: res.locals.token,
      });
      res.status(200).send(`launched ${token.user}`);
    });
    // Its storage plugin logs each of its migrations to the console.
    const quiet = [
      jest.spyOn(console, 'log').mockImplementation(() => undefined),
      jest.spyOn(console, 'info').mockImplementation(() => undefined),
    ];
    try {
      await Provider.deploy({ serverless: true, silent: true });
    } finally {
      quiet.forEach((spy) => spy.mockRestore());
    }
    tool.server = createServer(Provider.app);
    tool.server.listen(0, '127.0.0.1');
    await once(tool.server, 'listening');
    tool.url = `http://127.0.0.1:${(tool.server.address() as AddressInfo).port}`;
    return tool;
  }

  get loginUrl(): string {
    return `${this.url}/login`;
  }
  get launchUrl(): string {
    return `${this.url}/launch`;
  }
  get jwksUrl(): string {
    return `${this.url}/keys`;
  }

  async close(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    await this.provider.Database.Close();
    if (this.databaseUrl) await dropTestDatabase(this.databaseUrl);
  }
}
