import type { ResponseCode } from './responses';

/** A refused change, with the response code that says why (RFC 5804 1.3) and a sentence for the user. */
export type ScriptStoreRefusal = { ok: false; code?: ResponseCode; message: string };
/** Done; `warnings` (compile warnings) make the answer OK (WARNINGS) (RFC 5804 2.6). */
export type ScriptStoreOutcome = { ok: true; warnings?: string[] } | ScriptStoreRefusal;

/**
 * What ManageSieve needs from the application: an account's scripts, compiled and held to the
 * quotas before they are stored. The app implements it over its SieveScriptService, so this
 * protocol library depends on neither the services nor the interpreter.
 */
export interface SieveScriptStore {
  list(accountId: number): Promise<{ name: string; active: boolean }[]>;
  /** The script's text, or null when the account has no script by that name. */
  get(accountId: number, name: string): Promise<string | null>;
  /** RFC 5804 2.3: would a script of `size` octets fit under `name`? */
  haveSpace(accountId: number, name: string, size: number): Promise<ScriptStoreOutcome>;
  put(accountId: number, name: string, content: string): Promise<ScriptStoreOutcome>;
  /** Compiles without storing (RFC 5804 2.12). */
  check(accountId: number, content: string): Promise<ScriptStoreOutcome>;
  /** `null` deactivates every script (RFC 5804 2.8, SETACTIVE ""). */
  setActive(accountId: number, name: string | null): Promise<ScriptStoreOutcome>;
  remove(accountId: number, name: string): Promise<ScriptStoreOutcome>;
  rename(accountId: number, from: string, to: string): Promise<ScriptStoreOutcome>;
}
