import { Client } from 'pg';

/** `work` with a connection of its own to `url`, closed afterwards whatever happens. */
export async function withClient<T>(
  url: URL | string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
