/**
 * RFC 5804 2: a connection starts non-authenticated; AUTHENTICATE moves it to authenticated,
 * UNAUTHENTICATE (RFC 5804 2.14.1) back. Each state carries only what is valid in it.
 */
export type ManageSieveState = { name: 'non-authenticated' } | { name: 'authenticated'; accountId: number; address: string };

export type ManageSieveStateName = ManageSieveState['name'];
export type StateOf<N extends ManageSieveStateName> = Extract<ManageSieveState, { name: N }>;
