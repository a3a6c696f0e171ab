/**
 * Errors that describe a problem with the caller's request. HTTP routes map them to status codes and
 * socket handlers to error acks; anything else is an internal error (logged, answered generically).
 */
export class RequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** An id that names nothing: says which kind of thing, which id, and what exists. */
export class NotFoundError extends RequestError {
  constructor(kind: string, id: string, known?: readonly string[]) {
    const hint = known ? (known.length ? ` (known: ${known.slice(0, 20).join(', ')})` : ' (none exist)') : '';
    super(404, 'not_found', `unknown ${kind} "${id}"${hint}`);
  }
}
