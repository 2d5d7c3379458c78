import { HttpError } from 'react-admin';
import { apiErrorText, type ApiError, type SessionInfo } from '@mailstead/contracts';

/** The CSRF header the API checks on every POST/PUT/PATCH/DELETE (double submit). */
export const CSRF_HEADER = 'X-CSRF-Token';
const CSRF_COOKIE = 'mailstead_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;

/** Remembers the token from GET /api/auth/me; the cookie of the same value is the fallback. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function currentCsrfToken(): string | null {
  if (csrfToken) return csrfToken;
  const match = typeof document === 'undefined' ? null : document.cookie.match(new RegExp(`(?:^|; )${CSRF_COOKIE}=([^;]*)`));
  return match ? decodeURIComponent(match[1]!) : null;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: string;
  json: T;
}

/**
 * Turns the API's error body (`{ error: { code, message, fields } }`) into react-admin's
 * HttpError whose body carries `errors` keyed by field, which react-admin forms show under
 * the matching inputs (server-side validation), plus `root.serverError` for the summary.
 */
export function toHttpError(status: number, statusText: string, body: string): HttpError {
  let parsed: ApiError | undefined;
  try {
    parsed = JSON.parse(body) as ApiError;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error;
  const message = error ? apiErrorText(error) : statusText || `HTTP ${status}`;
  const errors: Record<string, unknown> = {};
  for (const [path, messages] of Object.entries(error?.fields ?? {})) {
    if (messages.length > 0) errors[path === '' ? 'root' : path] = messages.join('; ');
  }
  if (Object.keys(errors).length > 0) errors.root = { serverError: message };
  return new HttpError(message, status, { ...(parsed ?? {}), code: error?.code, errors: Object.keys(errors).length > 0 ? errors : undefined });
}

/**
 * fetch for the admin console: the session cookie goes along (same origin), JSON in and out,
 * the CSRF token on state-changing requests, API errors as HttpError.
 */
export async function httpClient<T = unknown>(url: string, options: RequestInit = {}): Promise<JsonResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = new Headers(options.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  if (options.body !== undefined && typeof options.body === 'string' && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  if (UNSAFE.has(method)) {
    const token = currentCsrfToken();
    if (token) headers.set(CSRF_HEADER, token);
  }
  const response = await fetch(url, { ...options, method, headers, credentials: 'include' });
  const body = await response.text();
  if (response.status < 200 || response.status >= 300) throw toHttpError(response.status, response.statusText, body);
  let json: unknown = undefined;
  if (body) {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, json: json as T };
}

/** GET /api/auth/me: the session, or null when nobody is logged in. */
export async function fetchSession(): Promise<SessionInfo | null> {
  try {
    const { json } = await httpClient<SessionInfo>('/api/auth/me');
    setCsrfToken(json.csrfToken);
    return json;
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return null;
    throw error;
  }
}

/**
 * True when the API answered that the endpoint itself does not exist (a feature this server
 * does not offer yet), as opposed to "no such record": Nest answers an unknown route with
 * 404 "Cannot GET /api/...", the static fallback with a 404 without an error code.
 */
export function isMissingEndpoint(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  if (error.status === 405 || error.status === 501) return true;
  if (error.status !== 404) return false;
  const code = (error.body as { code?: string } | undefined)?.code;
  return code === undefined || /^Cannot (GET|POST|PUT|PATCH|DELETE) /.test(error.message);
}
