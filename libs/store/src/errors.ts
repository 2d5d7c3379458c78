/** A uniqueness or existence rule the caller broke; protocol layers map these to their own replies. */
export class StoreError extends Error {
  constructor(
    readonly code: 'exists' | 'not_found' | 'invalid' | 'over_quota' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export const notFound = (what: string) => new StoreError('not_found', `${what} not found`);
export const exists = (what: string) => new StoreError('exists', `${what} already exists`);

/** Prisma's unique-constraint violation (P2002), without importing its error classes everywhere. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === 'P2002' || e?.cause?.code === '23505' || /Unique constraint/i.test(String((error as Error)?.message));
}
