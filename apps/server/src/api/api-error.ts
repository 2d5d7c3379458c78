import { HttpException } from '@nestjs/common';
import type { z } from 'zod';
import { fieldMessages } from './field-messages';

export type ApiErrorCode =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'csrf'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'payload_too_large'
  | 'internal'
  | 'totp_required'
  | 'totp_invalid'
  | 'totp_setup_required';

/** An error with the API's stable JSON shape (libs/contracts apiError). */
export class ApiException extends HttpException {
  constructor(
    status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message, status);
  }
}

export const notFound = (what = 'resource') => new ApiException(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'not allowed') => new ApiException(403, 'forbidden', message);
export const badRequest = (message: string, fields?: Record<string, string[]>) => new ApiException(400, 'validation', message, fields);

/**
 * Parses input with a contract schema; failures answer 400 with one list of sentences per field
 * (field-messages.ts), and the sentences together as the message.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const fields = fieldMessages(result.error.issues);
  throw badRequest(Object.values(fields).flat().join('; '), fields);
}

/** Path ids: positive 31-bit integers, else 404 (an id that cannot exist is not found). */
export function intId(value: string, what: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > 2 ** 31 - 1) throw notFound(what);
  return Number(value);
}

export function bigId(value: string, what: string): bigint {
  if (!/^[1-9][0-9]{0,18}$/.test(value)) throw notFound(what);
  return BigInt(value);
}
