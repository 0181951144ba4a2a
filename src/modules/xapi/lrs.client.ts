import type { AttemptResult } from '../../infra/delivery/retrying-deliveries';

const TIMEOUT_MS = 10_000;

export interface LrsTarget {
  endpoint: string;
  username?: string;
  password?: string;
}

/**
 * POSTs one statement to `{endpoint}/statements` (xAPI 1.0.3, Basic auth when configured). The
 * error text never carries the credentials or the response body.
 */
export async function postStatement(target: LrsTarget, statement: object): Promise<AttemptResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-experience-api-version': '1.0.3',
    'user-agent': 'lms-xapi/1.0',
  };
  if (target.username !== undefined) {
    const basic = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  try {
    const response = await fetch(`${target.endpoint}/statements`, {
      method: 'POST',
      headers,
      body: JSON.stringify(statement),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { statusCode: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return {
      error:
        name === 'TimeoutError' ? `no response within ${TIMEOUT_MS / 1000} s` : (cause ?? name),
    };
  }
}

/**
 * 2xx: stored; 409: the LRS already has a statement with this id (an earlier attempt got through);
 * 429, 5xx and network errors: retried; any other 4xx will not get better by resending.
 */
export function verdictOf(result: AttemptResult): 'succeeded' | 'retry' | 'give-up' {
  const status = result.statusCode;
  if (status === undefined) return 'retry';
  if ((status >= 200 && status < 300) || status === 409) return 'succeeded';
  if (status === 429 || status >= 500) return 'retry';
  return 'give-up';
}
