import { ErrorDetail } from '../errors/app-error';

export interface ErrorEnvelope {
  success: false;
  message: string;
  error: { code: string; details: ErrorDetail[] };
  requestId: string;
  data?: unknown;
}

export function errorEnvelope(
  code: string,
  message: string,
  details: ErrorDetail[],
  requestId: string,
  data?: unknown,
): ErrorEnvelope {
  const body: ErrorEnvelope = { success: false, message, error: { code, details }, requestId };
  if (data !== undefined) body.data = data;
  return body;
}
