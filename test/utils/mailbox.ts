import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from './poll';

export type AccountLinkPath = 'reset-password' | 'verify-email';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every .eml file written to `dataDir`/mail for this recipient, quoted-printable undone. */
export async function mailsTo(dataDir: string, address: string): Promise<string[]> {
  const dir = join(dataDir, 'mail');
  const files = await readdir(dir).catch(() => [] as string[]);
  const raws = await Promise.all(
    files.filter((f) => f.endsWith('.eml')).map((f) => readFile(join(dir, f), 'utf8')),
  );
  const to = new RegExp(`^To: ${escapeRegExp(address)}\\r?$`, 'mi');
  return raws
    .filter((raw) => to.test(raw))
    .map((raw) => raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='));
}

/** Distinct tokens of `{publicUrl}/<path>?token=...` links mailed to this address. */
export async function mailedTokens(
  dataDir: string,
  publicUrl: string,
  address: string,
  path: AccountLinkPath,
): Promise<string[]> {
  const link = new RegExp(`${escapeRegExp(`${publicUrl}/${path}?token=`)}([A-Za-z0-9_%-]+)`, 'g');
  const tokens = new Set<string>();
  for (const mail of await mailsTo(dataDir, address)) {
    for (const match of mail.matchAll(link)) tokens.add(decodeURIComponent(match[1]));
  }
  return [...tokens];
}

/** Waits for a mailed link whose token is not among `known`, and returns that token. */
export function waitForMailedToken(
  dataDir: string,
  publicUrl: string,
  address: string,
  path: AccountLinkPath,
  known: string[] = [],
): Promise<string> {
  return pollUntil(
    async () =>
      (await mailedTokens(dataDir, publicUrl, address, path)).find((t) => !known.includes(t)),
    { what: `a ${path} link mailed to ${address}` },
  );
}
