import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '@mailstead/contracts';
import { StoreError } from '@mailstead/store';
import { ServiceError } from '../services/service-error';
import type { Logger } from '../runtime/logger';
import { LOGGER } from '../app/tokens';
import { ApiException, type ApiErrorCode } from './api-error';
import { asSentence } from './field-messages';

const CODES: Record<number, ApiErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'bad_request',
  429: 'too_many_requests',
};

const SERVICE_STATUS: Record<ServiceError['code'], [number, ApiErrorCode]> = {
  invalid: [400, 'validation'],
  forbidden: [403, 'forbidden'],
  not_found: [404, 'not_found'],
  conflict: [409, 'conflict'],
};

const STORE_STATUS: Record<StoreError['code'], [number, ApiErrorCode]> = {
  exists: [409, 'conflict'],
  not_found: [404, 'not_found'],
  invalid: [400, 'validation'],
  over_quota: [409, 'conflict'],
  conflict: [409, 'conflict'],
};

/** Every error leaves as `{ error: { status, code, message, fields?, requestId } }`; 5xx details only reach the log. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    let body: ApiError['error'];
    if (exception instanceof ApiException) {
      body = { status: exception.getStatus(), code: exception.code, message: exception.message, ...(exception.fields ? { fields: exception.fields } : {}) };
    } else if (exception instanceof ServiceError) {
      const [status, code] = SERVICE_STATUS[exception.code];
      body = { status, code, message: asSentence(exception.message), ...(exception.fields ? { fields: exception.fields } : {}) };
    } else if (exception instanceof StoreError) {
      const [status, code] = STORE_STATUS[exception.code];
      body = { status, code, message: asSentence(exception.message) };
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      body = { status, code: CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request'), message: exception.message };
    } else if (typeof (exception as { statusCode?: unknown })?.statusCode === 'number' && (exception as { statusCode: number }).statusCode < 500) {
      // Fastify's own errors (bad JSON, body too large, unsupported media type).
      const status = (exception as { statusCode: number }).statusCode;
      body = { status, code: CODES[status] ?? 'bad_request', message: (exception as Error).message };
    } else {
      this.log.error({ err: exception, reqId: request.id, url: request.url }, 'api request failed');
      body = { status: 500, code: 'internal', message: 'internal error' };
    }
    if (body.status < 500) this.log.debug({ reqId: request.id, status: body.status, code: body.code, url: request.url }, 'api error');
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(body.status).header('cache-control', 'no-store').send({ error: { ...body, requestId: String(request.id) } });
  }
}
