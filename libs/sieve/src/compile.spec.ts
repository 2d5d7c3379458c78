import { describe, expect, it } from 'vitest';
import { SIEVE_EXTENSIONS, compileSieve, formatSieveError, sieveLimits } from './index';

function errors(source: string, options?: Parameters<typeof compileSieve>[1]): string[] {
  const r = compileSieve(source, options);
  return r.ok ? [] : r.errors.map(formatSieveError);
}

// RFC 5228 9 (example scripts), lightly adapted where the RFC uses unregistered names
const RFC5228_EXAMPLE = `
#
# Example Sieve Filter
# Declare any optional features or extension used by the script
#
require ["fileinto"];

#
# Handle messages from known mailing lists
# Move messages from IETF filter discussion list to filter mailbox
#
if header :is "Sender" "owner-ietf-mta-filters@imc.org"
        {
        fileinto "filter";  # move to "filter" mailbox
        }
#
# Keep all messages to or from people in my company
#
elsif address :DOMAIN :is ["From", "To"] "example.com"
        {
        keep;               # keep in "In" mailbox
        }

#
# Try and catch unsolicited email.  If a message is not to me,
# or it contains a subject known to be spam, file it away.
#
elsif anyof (NOT address :all :contains
               ["To", "Cc", "Bcc"] "me@example.com",
             header :matches "subject"
               ["*make*money*fast*", "*university*dipl*mas*"])
        {
        fileinto "spam";   # move to "spam" mailbox
        }
else
        {
        # Move all other (non-company) mail to "personal"
        # mailbox.
        fileinto "personal";
        }
`;

describe('compileSieve', () => {
  it('compiles the RFC 5228 section 9 example', () => {
    const r = compileSieve(RFC5228_EXAMPLE);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.script.commands.map((c) => c.name)).toEqual(['if', 'elsif', 'elsif', 'else']);
  });

  it('names an unknown command with its line and column', () => {
    expect(errors('require "fileinto";\nif true {\n    filein "x";\n}')).toEqual(['line 3, column 5: unknown command "filein"']);
  });

  it('reports several validation errors at once', () => {
    const e = errors('fileinto "a";\nredirect "not an address";\nif header :bogus "a" "b" { keep; }\nif size 5 { stop; }');
    expect(e).toEqual([
      'line 1, column 1: unknown command "fileinto" (it needs require "fileinto")',
      'line 2, column 10: redirect address "not an address" is not a valid address',
      'line 3, column 11: unknown tag ":bogus" for the header test',
      'line 4, column 4: the size test needs :over or :under',
    ]);
  });

  it('refuses extensions that were not required, and unknown ones', () => {
    expect(errors('require "copy";\nredirect :copy "a@b.c";\nkeep :flags "x";')).toEqual([
      'line 3, column 6: unknown tag ":flags" for the keep command (it needs require "imap4flags")',
    ]);
    expect(errors('require ["fileinto", "regex"];')).toEqual(['line 1, column 22: unsupported extension "regex"']);
    expect(errors('require "fileinto";', { extensions: ['envelope'] })).toEqual(['line 1, column 9: unsupported extension "fileinto"']);
    expect(errors('if header :value "gt" "a" "b" {}')).toEqual(['line 1, column 11: unknown tag ":value" for the header test (it needs require "relational")']);
  });

  it('checks argument shapes, tag groups, require placement and if chains', () => {
    expect(errors('require "fileinto";\nfileinto ["a", "b"];')).toEqual([
      'line 2, column 10: the fileinto command expects a string as its 1st argument (mailbox), not a string list',
    ]);
    expect(errors('if header :is :contains "a" "b" {}')).toEqual(['line 1, column 15: tag ":contains" cannot be combined with ":is"']);
    expect(errors('keep;\nrequire "fileinto";')).toEqual(['line 2, column 1: require must come before any other command']);
    expect(errors('else { keep; }')).toEqual(['line 1, column 1: else must follow an if or elsif command']);
    expect(errors('if true keep;')).toEqual(['line 1, column 9: the true test takes no test']);
    expect(errors('if true { keep }')).toEqual(['line 1, column 16: expected ";" or "{" after the keep command but found "}"']);
    expect(errors('if address :is ["to", "Subject"] "x" {}')).toEqual(['line 1, column 23: the address test does not apply to the Subject header, which holds no addresses']);
    expect(errors('if address :is ["Resent-To", "X-Original-To", "x-mine"] "x" {}')).toEqual([]);
    expect(errors('if header :comparator "i;bogus" "a" "b" {}')).toEqual(['line 1, column 23: unknown comparator "i;bogus"']);
    expect(errors('require "relational";\nif header :value "gt" :comparator "i;ascii-numeric" "a" "1" {}')).toEqual([
      'line 2, column 35: comparator "i;ascii-numeric" needs require "comparator-i;ascii-numeric"',
    ]);
  });

  it('decodes encoded-character sequences only when required (RFC 5228 2.4.2.4)', () => {
    const r = compileSieve('require ["encoded-character", "fileinto"];\nfileinto "${hex: 49 4e}${unicode:0042}${hex:zz}";');
    expect(r.ok && (r.script.commands[0]!.args['mailbox'] as { text: string }).text).toBe('INB${hex:zz}');
    const plain = compileSieve('require "fileinto";\nfileinto "${hex:41}";');
    expect(plain.ok && (plain.script.commands[0]!.args['mailbox'] as { text: string }).text).toBe('${hex:41}');
  });

  it('refuses a script over the size limit, quickly', () => {
    const big = 'keep;\n'.repeat(Math.ceil((1024 * 1024) / 6) + 1);
    const started = Date.now();
    expect(errors(big)).toEqual([`line 1, column 1: the script is ${Buffer.byteLength(big)} bytes, more than the limit of ${1024 * 1024}`]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('compiles a script just under the size limit', () => {
    const line = 'if header :contains "subject" "x" { keep; }\n';
    const source = line.repeat(Math.floor(sieveLimits.maxScriptBytes / line.length));
    expect(compileSieve(source).ok).toBe(true);
  });

  it('refuses nesting past the limit without exhausting the stack', () => {
    const deep = 'if true {'.repeat(100_000) + '}'.repeat(100_000);
    expect(errors(deep)).toEqual([`line 1, column ${9 * sieveLimits.maxNesting + 4}: nesting is deeper than the limit of ${sieveLimits.maxNesting}`]);
    const notNot = 'if ' + 'not '.repeat(100_000) + 'true {}';
    expect(errors(notNot)[0]).toMatch(/nesting is deeper than the limit/);
    expect(compileSieve('if true {'.repeat(10) + '}'.repeat(10)).ok).toBe(true);
  });

  it('lists the capabilities ManageSieve announces', () => {
    expect(SIEVE_EXTENSIONS).toContain('vacation-seconds');
    expect(SIEVE_EXTENSIONS).not.toContain('regex');
    // every listed capability can be required
    expect(compileSieve(`require ${JSON.stringify([...SIEVE_EXTENSIONS])};`).ok).toBe(true);
  });
});
