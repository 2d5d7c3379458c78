import type { SieveCompiled, SieveEngine } from './sieve-engine';

/**
 * Compiled scripts by script id and version, least recently used dropped beyond `capacity`:
 * a script is compiled once per version per process, not once per delivered copy. A new
 * version (every PUTSCRIPT bumps it) is a new key, so an edit is never served stale.
 */
export class CompiledScriptCache<S> {
  private readonly entries = new Map<string, SieveCompiled<S>>();

  constructor(
    private readonly engine: Pick<SieveEngine<S>, 'compile'>,
    private readonly capacity = 1000,
  ) {}

  get(script: { id: number; version: number; content: string }): SieveCompiled<S> {
    const key = `${script.id}:${script.version}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const compiled = this.engine.compile(script.content);
    this.entries.set(key, compiled);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }

  get size(): number {
    return this.entries.size;
  }
}
