import type { ResponseCode, ScriptStoreOutcome, SieveScriptStore } from '@mailstead/managesieve';
import { ServiceError } from '../../services/service-error';
import { SieveScriptError, type SieveScriptFailure, type SieveScriptService } from '../../services/sieve-script.service';

// RFC 5804 1.3: the response code that tells a client why a script was refused.
const CODES: Record<SieveScriptFailure, ResponseCode | undefined> = {
  nonexistent: 'NONEXISTENT',
  active: 'ACTIVE',
  exists: 'ALREADYEXISTS',
  'too-large': 'QUOTA/MAXSIZE',
  'too-many': 'QUOTA/MAXSCRIPTS',
  'bad-name': undefined,
  'bad-script': undefined,
};

/** libs/managesieve's script store over SieveScriptService: the same rules as the webmail and the CLI. */
export function managesieveScriptStore(scripts: SieveScriptService): SieveScriptStore {
  return {
    list: (accountId) => scripts.list(accountId),
    async get(accountId, name) {
      return outcomeOf(() => scripts.get(accountId, name)).then((r) => (r.ok ? r.value.content : null));
    },
    haveSpace: (accountId, name, size) => outcome(() => scripts.haveSpace(accountId, name, size)),
    put: (accountId, name, content) => outcome(() => scripts.put(accountId, name, content)),
    check: (_accountId, content) => outcome(() => scripts.check(content)),
    setActive: (accountId, name) => outcome(() => (name === null ? scripts.deactivate(accountId) : scripts.activate(accountId, name))),
    remove: (accountId, name) => outcome(() => scripts.remove(accountId, name)),
    rename: (accountId, from, to) => outcome(() => scripts.rename(accountId, from, to)),
  };
}

async function outcome(run: () => unknown): Promise<ScriptStoreOutcome> {
  const result = await outcomeOf(run);
  return result.ok ? { ok: true } : result;
}

/** The service's refusals become NO answers; anything else is an internal error (the session answers TRYLATER). */
async function outcomeOf<T>(run: () => T | Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code?: ResponseCode; message: string }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof SieveScriptError) {
      // Compile errors one per line, as Pigeonhole sends them; more than one line goes as a literal.
      const message = error.failure === 'bad-script' && error.problems.length > 0 ? (error.fields?.content ?? [error.message]).join('\r\n') : error.message;
      const code = CODES[error.failure];
      return code ? { ok: false, code, message } : { ok: false, message };
    }
    if (error instanceof ServiceError) return { ok: false, message: error.message };
    throw error;
  }
}
