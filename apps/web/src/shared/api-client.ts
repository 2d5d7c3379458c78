import { apiErrorText, type ApiError } from '@mailstead/contracts';

/** An API failure with the contract's error shape (libs/contracts errors.ts). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'mailstead_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when any request answers 401: the session ended (expired, logged out elsewhere, password changed). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

let csrfToken: string | undefined;
/** The token from the login answer or /api/auth/me; the readable cookie is the fallback. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

function readCsrfCookie(): string | undefined {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : undefined;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not announce a 401 (the login form's own request, the first /me probe). */
  quiet401?: boolean;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function toError(res: Response): Promise<ApiRequestError> {
  try {
    const body = (await res.json()) as Partial<ApiError>;
    if (body.error) return new ApiRequestError(res.status, body.error.code, body.error.message, body.error.fields);
  } catch {
    // not JSON
  }
  return new ApiRequestError(res.status, res.status === 0 ? 'network' : 'http', `${res.status} ${res.statusText}`.trim());
}

/** Every API call of the web app: same-origin cookies, CSRF header on unsafe methods, typed errors. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method)) {
    const token = csrfToken ?? readCsrfCookie();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiRequestError(0, 'network', 'cannot reach the server');
  }
  if (res.status === 401 && !options.quiet401) for (const l of unauthorizedListeners) l();
  if (!res.ok) throw await toError(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file the API answers (a download), with the name its Content-Disposition gives. */
export async function apiFile(method: string, path: string): Promise<{ blob: Blob; filename: string }> {
  const headers: Record<string, string> = {};
  if (UNSAFE.has(method)) {
    const token = csrfToken ?? readCsrfCookie();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiRequestError(0, 'network', 'cannot reach the server');
  }
  if (res.status === 401) for (const l of unauthorizedListeners) l();
  if (!res.ok) throw await toError(res);
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  return { blob: await res.blob(), filename };
}

/** Uploads one file with progress (fetch has no upload progress; XMLHttpRequest does). */
export function uploadWithProgress<T>(path: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const token = csrfToken ?? readCsrfCookie();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 401) for (const l of unauthorizedListeners) l();
      let parsed: unknown;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else {
        const e = (parsed as Partial<ApiError> | undefined)?.error;
        reject(new ApiRequestError(xhr.status, e?.code ?? 'http', e?.message ?? `upload failed (${xhr.status})`));
      }
    };
    xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'cannot reach the server'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) return apiErrorText(error);
  return error instanceof Error ? error.message : String(error);
}
