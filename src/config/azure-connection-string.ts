/**
 * Checks an Azure Storage connection string the way `BlobServiceClient.fromConnectionString`
 * reads it, so that a placeholder (`REPLACE_ME`) or a truncated value stops the process at boot
 * with the variable's name instead of `TypeError: Invalid URL` when storage is first touched.
 * Returns a reason, or undefined when the string is usable. Never repeats the value (a secret).
 */
export function azureConnectionStringProblem(value: string): string | undefined {
  const parts = value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
  const fields = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf('=');
    if (at <= 0) return `${EXPECTED} (found a part without "=")`;
    fields.set(part.slice(0, at).toLowerCase(), part.slice(at + 1));
  }
  if (fields.get('usedevelopmentstorage') === 'true') return undefined;

  const blobEndpoint = fields.get('blobendpoint');
  if (blobEndpoint !== undefined && !isHttpUrl(blobEndpoint)) {
    return 'BlobEndpoint must be an http(s) URL';
  }
  if (fields.get('accountname') && fields.get('accountkey')) {
    if (blobEndpoint) return undefined;
    const protocol = fields.get('defaultendpointsprotocol');
    if ((protocol === 'https' || protocol === 'http') && fields.get('endpointsuffix')) {
      return undefined;
    }
    return 'needs BlobEndpoint, or DefaultEndpointsProtocol=https and EndpointSuffix';
  }
  if (blobEndpoint && fields.get('sharedaccesssignature')) return undefined;
  return EXPECTED;
}

const EXPECTED =
  'must be an Azure Storage connection string: ' +
  'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net ' +
  '(or BlobEndpoint=...;SharedAccessSignature=...)';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
