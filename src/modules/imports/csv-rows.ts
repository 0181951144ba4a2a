import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { parse } from 'csv-parse';
import { BadRequestError, ValidationFailedError } from '../../common/errors/app-error';
import { cleanFullName, ImportRow, MAX_BULK_ROWS, normalizeEmail } from './email-rows';

/** Far above 50,000 rows of email and name. */
export const MAX_CSV_BYTES = 16 * 1024 * 1024;

export interface CsvUpload {
  total: number;
  /** The multipart field `createMissingUsers` (`true`/`false`), when sent. */
  createMissingUsers: boolean | undefined;
}

const invalid = (message: string) => new ValidationFailedError([{ field: 'file', message }]);

/**
 * Streams the multipart field `file` (CSV with a header row: `email`, optional `fullName`, any
 * order, case-insensitive) through the CSV parser and hands rows to `onBatch` in batches: the
 * upload is never held in memory. Quoted fields (commas, quotes, line breaks) follow RFC 4180.
 * 422 for a missing file, a missing `email` column, a malformed CSV or more than 50,000 rows.
 */
export function readCsvUpload(
  req: IncomingMessage,
  batchSize: number,
  onBatch: (rows: ImportRow[]) => Promise<void>,
): Promise<CsvUpload> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fileSize: MAX_CSV_BYTES + 1, fields: 5, parts: 10 },
    });
  } catch {
    return Promise.reject(new BadRequestError('Expected a multipart/form-data body'));
  }
  return new Promise<CsvUpload>((resolve, reject) => {
    let reading: Promise<number> | undefined;
    let createMissingUsers: boolean | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      reject(error instanceof Error ? error : new BadRequestError('Malformed upload'));
    };
    parser.on('field', (name, value) => {
      if (name === 'createMissingUsers') createMissingUsers = value === 'true';
    });
    parser.on('file', (field, stream) => {
      if (field !== 'file' || reading) {
        stream.resume();
        return;
      }
      reading = readRows(stream, batchSize, onBatch);
      reading.catch(fail);
    });
    parser.on('error', () => fail(new BadRequestError('Malformed multipart body')));
    parser.on('close', () => {
      if (!reading) return fail(invalid('the CSV file is missing'));
      reading.then((total) => {
        if (settled) return;
        settled = true;
        resolve({ total, createMissingUsers });
      }, fail);
    });
    req.on('aborted', () => fail(new BadRequestError('The upload was interrupted')));
    req.pipe(parser);
  });
}

async function readRows(
  stream: Readable & { truncated?: boolean },
  batchSize: number,
  onBatch: (rows: ImportRow[]) => Promise<void>,
): Promise<number> {
  const records = stream.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((name) => String(name).trim().toLowerCase()),
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
    }),
  );
  stream.on('limit', () => records.destroy(invalid(`the file is over ${MAX_CSV_BYTES} bytes`)));
  let batch: ImportRow[] = [];
  let count = 0;
  try {
    for await (const record of records as AsyncIterable<Record<string, string | undefined>>) {
      if (count === 0 && !('email' in record)) {
        throw invalid('the CSV header must have an `email` column');
      }
      count++;
      if (count > MAX_BULK_ROWS) throw invalid(`at most ${MAX_BULK_ROWS} rows`);
      batch.push({
        row: count,
        email: normalizeEmail(record.email ?? ''),
        fullName: cleanFullName(record.fullname),
      });
      if (batch.length >= batchSize) {
        await onBatch(batch);
        batch = [];
      }
    }
  } catch (error) {
    stream.resume();
    if (error instanceof ValidationFailedError) throw error;
    if (stream.truncated) throw invalid(`the file is over ${MAX_CSV_BYTES} bytes`);
    throw invalid(`not a valid CSV file: ${(error as Error).message.slice(0, 200)}`);
  }
  if (batch.length > 0) await onBatch(batch);
  if (count === 0) throw invalid('the CSV file has no rows');
  return count;
}
