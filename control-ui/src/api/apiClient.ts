import { ApiError, parseRetryAfter } from './ApiError.ts';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls to the server's `/api/*` routes with the session's bearer token. */
export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'The server did not accept this token.',
  403: 'This token is not allowed to do that.',
  429: 'Too many requests.',
};

/**
 * One request, no session side effects: turns every failure into an {@link ApiError}.
 * Use it directly to check a token that is not (yet) the session's.
 */
export async function requestJson<T>(path: string, token: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  const init: RequestInit = { method: options.method ?? 'GET', headers, cache: 'no-store' };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'network', 'Cannot reach the Roomcast server.');
  }

  const text = await response.text().catch(() => '');
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }

  if (!response.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const message =
      typeof error?.message === 'string' && error.message !== ''
        ? error.message
        : (DEFAULT_MESSAGES[response.status] ?? `The server answered ${response.status} ${response.statusText}.`);
    throw new ApiError(response.status, code, message, parseRetryAfter(response.headers.get('Retry-After')));
  }
  return body as T;
}

/**
 * The session's client. Any 401 means the token was revoked or the server forgot it: `onUnauthorized`
 * ends the session so the user lands on the login form with the reason.
 */
export function createApiClient(token: string, onUnauthorized: (error: ApiError) => void): ApiClient {
  const request = async <T,>(path: string, options?: RequestOptions): Promise<T> => {
    try {
      return await requestJson<T>(path, token, options);
    } catch (error) {
      if (error instanceof ApiError && error.unauthorized) onUnauthorized(error);
      throw error;
    }
  };
  return {
    request,
    get: (path, signal) => request(path, signal ? { signal } : {}),
  };
}
