import { asciiLower, quoteWildcards } from './match';

/** Variable storage of one script run (RFC 5229 3): names are case-insensitive. */
export interface VariableScope {
  get(name: string): string | undefined;
  /** ${0}..${9} of the last successful :matches */
  match(index: number): string | undefined;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|[0-9]+)\}/g;

/** RFC 5229 3: `${name}` and `${N}` expand; unknown variables are empty; anything else stays as written. */
export function expandVariables(text: string, scope: VariableScope, maxLength = 1024 * 1024): string {
  // a string of many references to long variables is cut at maxLength instead of growing without bound
  let added = 0;
  return text.replace(REFERENCE, (_whole, name: string) => {
    const value = /^[0-9]+$/.test(name) ? (scope.match(Number(name)) ?? '') : (scope.get(asciiLower(name)) ?? '');
    if (added + value.length > maxLength) return '';
    added += value.length;
    return value;
  });
}

/** RFC 5229 4.1: modifiers apply by precedence: :lower/:upper, then :lowerfirst/:upperfirst, then :quotewildcard, then :length. */
export function applyModifiers(value: string, tags: Record<string, unknown>): string {
  let v = value;
  if (tags['lower']) v = v.toLowerCase();
  if (tags['upper']) v = v.toUpperCase();
  if (tags['lowerfirst'] && v !== '') v = Array.from(v)[0]!.toLowerCase() + Array.from(v).slice(1).join('');
  if (tags['upperfirst'] && v !== '') v = Array.from(v)[0]!.toUpperCase() + Array.from(v).slice(1).join('');
  if (tags['quotewildcard']) v = quoteWildcards(v);
  if (tags['length']) v = String(Array.from(v).length);
  return v;
}
