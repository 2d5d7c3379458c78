/**
 * A business rule the caller broke. Services throw these (never HTTP exceptions); the API maps
 * them to its error answer (api-exception.filter.ts) and the CLI to one line and an exit code.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: 'invalid' | 'forbidden' | 'not_found' | 'conflict',
    message: string,
    /** Per-field messages (the API's `fields`), when the problem is one input field. */
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('not_found', `${what} not found`);
export const forbidden = (message: string, fields?: Record<string, string[]>) => new ServiceError('forbidden', message, fields);
export const invalid = (message: string, fields?: Record<string, string[]>) => new ServiceError('invalid', message, fields);
export const conflict = (message: string) => new ServiceError('conflict', message);
