import { BlobServiceClient } from '@azure/storage-blob';
import { azureConnectionStringProblem } from './azure-connection-string';

const KEY = Buffer.from('a key').toString('base64');

const CASES: Array<[string, boolean]> = [
  ['REPLACE_ME', false],
  ['', false],
  [`AccountName=acct;AccountKey=${KEY}`, false],
  [`AccountName=acct;AccountKey=${KEY};BlobEndpoint=not-a-url`, false],
  ['BlobEndpoint=https://acct.blob.core.windows.net', false],
  [
    `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
    true,
  ],
  [
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};` +
      'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    true,
  ],
  ['BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=x', true],
  ['UseDevelopmentStorage=true', true],
];

function sdkAccepts(value: string): boolean {
  try {
    BlobServiceClient.fromConnectionString(value);
    return true;
  } catch {
    return false;
  }
}

describe('azureConnectionStringProblem', () => {
  it.each(CASES)('judges %j as the Azure SDK does (usable: %s)', (value, usable) => {
    expect(azureConnectionStringProblem(value) === undefined).toBe(usable);
    expect(sdkAccepts(value)).toBe(usable);
  });

  it('never repeats the value, which holds the account key', () => {
    const secret = `AccountName=acct;AccountKey=${KEY}`;
    expect(azureConnectionStringProblem(secret)).not.toContain(KEY);
  });
});
