/**
 * The script x message pairs of the Pigeonhole differential test. Messages are the files in
 * fixtures/ (CRLF, byte-exact: fixtures/.gitattributes). Scripts are written with the `sieve`
 * tag: raw text (a Sieve `"\\Seen"` is written as is) where `\${` stands for a literal `${`.
 */
export type Fixture =
  | 'plain'
  | 'multipart'
  | 'encoded'
  | 'recipients'
  | 'list'
  | 'auto-submitted'
  | 'bulk'
  | 'bcc'
  | 'subaddress'
  | 'spam'
  | 'ham';

export interface SievePair {
  name: string;
  script: string;
  message: Fixture;
  /** default: from alice@example.com, to bob@example.net (the user) */
  envelope?: { from?: string; to?: string };
  /** folders that exist besides INBOX; default DEFAULT_MAILBOXES */
  mailboxes?: string[];
  /** admin scripts run before the user's */
  before?: string[];
  personal?: Record<string, string>;
  global?: Record<string, string>;
  /** compare the header fields of the stored message too (editheader) */
  compareHeaders?: boolean;
  /** environment items (RFC 5183) libs/sieve is given: what sieve-test reports for them */
  environment?: Record<string, string>;
}

export const DEFAULT_ENVELOPE = { from: 'alice@example.com', to: 'bob@example.net' };
export const DEFAULT_MAILBOXES = ['Work', 'Lists'];

/** String.raw, with `\${` turned into `${` so Sieve variables can be written in a template. */
export function sieve(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw(strings, ...values).replace(/\\\$\{/g, '${');
}

export const PAIRS: SievePair[] = [
  // --- RFC 5228 control structure ---
  { name: 'control: if true fileinto', message: 'plain', script: sieve`require "fileinto"; if true { fileinto "Work"; }` },
  {
    name: 'control: if/elsif/else takes elsif',
    message: 'plain',
    script: sieve`require "fileinto";
if header :contains "subject" "invoice" { fileinto "Invoices"; }
elsif header :contains "subject" "meeting" { fileinto "Meetings"; }
else { fileinto "Other"; }`,
  },
  {
    name: 'control: if/elsif/else takes else',
    message: 'list',
    script: sieve`require "fileinto";
if header :contains "subject" "invoice" { fileinto "Invoices"; }
elsif header :contains "subject" "meeting" { fileinto "Meetings"; }
else { fileinto "Other"; }`,
  },
  { name: 'control: stop ends the script', message: 'plain', script: sieve`require "fileinto"; fileinto "Work"; stop; fileinto "Never";` },
  {
    name: 'control: allof, anyof and not',
    message: 'plain',
    script: sieve`require "fileinto";
if allof (header :contains "from" "alice", not header :contains "subject" "spam", anyof (false, exists "message-id")) { fileinto "Match"; }
if anyof (false, not true) { fileinto "Never"; }`,
  },
  { name: 'control: false test leaves the implicit keep', message: 'plain', script: sieve`if false { discard; }` },
  {
    name: 'control: comments only',
    message: 'plain',
    script: sieve`# a hash comment
/* a bracketed
   comment */
`,
  },
  {
    name: 'control: nested ifs',
    message: 'recipients',
    script: sieve`require "fileinto";
if exists "cc" { if address :is "cc" "eve@example.org" { if not exists "x-none" { fileinto "Deep"; } } }`,
  },

  // --- header / address / envelope, match types and comparators ---
  { name: 'header :is is case-insensitive by default (i;ascii-casemap)', message: 'plain', script: sieve`require "fileinto"; if header :is "Subject" "meeting TOMORROW" { fileinto "Work"; }` },
  { name: 'header :is with i;octet is case-sensitive', message: 'plain', script: sieve`require "fileinto"; if header :is :comparator "i;octet" "subject" "meeting tomorrow" { fileinto "Work"; }` },
  { name: 'header :matches with * and ?', message: 'plain', script: sieve`require "fileinto"; if header :matches "subject" "Meet*tom?rrow" { fileinto "Work"; }` },
  { name: 'header :matches with escaped wildcards', message: 'recipients', script: sieve`require "fileinto"; if header :matches "subject" "*\\*urgent\\*\\?" { fileinto "Urgent"; }` },
  { name: 'header :matches escaped * does not match other text', message: 'plain', script: sieve`require "fileinto"; if header :matches "subject" "Meeting\\*" { fileinto "Work"; }` },
  { name: 'header :contains over a list of fields and keys', message: 'recipients', script: sieve`require "fileinto"; if header :contains ["to", "cc"] ["nobody", "grace+news"] { fileinto "Lists"; }` },
  { name: 'header test of a missing field is false', message: 'plain', script: sieve`require "fileinto"; if header :contains "x-missing" "" { fileinto "Never"; }` },
  { name: 'header :contains "" matches a present field', message: 'plain', script: sieve`require "fileinto"; if header :contains "x-priority" "" { fileinto "Work"; }` },
  { name: 'header values are decoded (RFC 2047)', message: 'encoded', script: sieve`require "fileinto"; if header :contains "subject" "München" { fileinto "Decoded"; }` },
  { name: 'decoded display name in header test', message: 'encoded', script: sieve`require "fileinto"; if header :contains "from" "Jürgen Müller" { fileinto "Decoded"; }` },
  { name: 'address :all ignores the display name, compares case-insensitively', message: 'plain', script: sieve`require "fileinto"; if address :is "from" "alice@example.com" { fileinto "Work"; }` },
  {
    name: 'address :localpart and :domain',
    message: 'recipients',
    script: sieve`require "fileinto";
if address :localpart :is "to" "carol" { fileinto "Carol"; }
if address :domain :is "cc" "example.org" { fileinto "Org"; }
if address :domain :is "from" "example.org" { fileinto "Never"; }`,
  },
  { name: 'address :matches over several To fields', message: 'recipients', script: sieve`require "fileinto"; if address :all :matches "to" "frank@*" { fileinto "Frank"; }` },
  {
    name: 'envelope from and to',
    message: 'plain',
    envelope: { from: 'bounce-123@example.com', to: 'bob@example.net' },
    script: sieve`require ["envelope", "fileinto"];
if envelope :is "from" "bounce-123@example.com" { fileinto "Bounces"; }
if envelope :domain :is "to" "EXAMPLE.NET" { fileinto "Mine"; }
if envelope :is "from" "alice@example.com" { fileinto "Never"; }`,
  },
  { name: 'i;ascii-numeric :value comparison', message: 'plain', script: sieve`require ["fileinto", "relational", "comparator-i;ascii-numeric"]; if header :value "lt" :comparator "i;ascii-numeric" "x-priority" "3" { fileinto "Urgent"; }` },
  { name: 'i;ascii-numeric :is compares numbers, not text', message: 'recipients', script: sieve`require ["fileinto", "comparator-i;ascii-numeric"]; if header :is :comparator "i;ascii-numeric" "x-priority" "005" { fileinto "Low"; }` },

  // --- size and exists ---
  { name: 'size :over 1K on a large message', message: 'multipart', script: sieve`require "fileinto"; if size :over 1K { fileinto "Big"; } else { fileinto "Small"; }` },
  { name: 'size :over 1K on a small message', message: 'plain', script: sieve`require "fileinto"; if size :over 1K { fileinto "Big"; } else { fileinto "Small"; }` },
  { name: 'size :under', message: 'plain', script: sieve`require "fileinto"; if size :under 100000 { fileinto "Small"; } if size :under 10 { fileinto "Never"; }` },
  {
    name: 'exists with several fields',
    message: 'plain',
    script: sieve`require "fileinto";
if exists ["from", "to", "date"] { fileinto "All"; }
if exists ["from", "x-missing"] { fileinto "Never"; }`,
  },

  // --- keep / fileinto / discard / redirect ---
  { name: 'keep and fileinto INBOX are one delivery', message: 'plain', script: sieve`require "fileinto"; keep; fileinto "INBOX";` },
  { name: 'fileinto twice into the same mailbox is one', message: 'plain', script: sieve`require "fileinto"; fileinto "Work"; fileinto "Work";` },
  { name: 'discard then keep keeps', message: 'plain', script: sieve`discard; keep;` },
  { name: 'discard alone drops the message', message: 'plain', script: sieve`discard;` },
  { name: 'redirect cancels the implicit keep', message: 'plain', script: sieve`redirect "carol@example.org";` },
  { name: 'redirect :copy keeps', message: 'plain', script: sieve`require "copy"; redirect :copy "carol@example.org";` },
  { name: 'fileinto :copy keeps', message: 'plain', script: sieve`require ["copy", "fileinto"]; fileinto :copy "Work";` },
  { name: 'the same redirect twice is one', message: 'plain', script: sieve`redirect "carol@example.org"; redirect "carol@example.org"; redirect "dave@example.org";` },
  {
    name: 'more redirects than the limit (4) is a run-time error',
    message: 'plain',
    script: sieve`redirect "a@example.org"; redirect "b@example.org"; redirect "c@example.org"; redirect "d@example.org"; redirect "e@example.org";`,
  },
  { name: 'fileinto and redirect together', message: 'recipients', script: sieve`require "fileinto"; if address :is "to" "frank@example.org" { redirect "frank@example.org"; fileinto "Forwarded"; }` },

  // --- imap4flags ---
  { name: 'setflag then keep', message: 'plain', script: sieve`require "imap4flags"; setflag "\\Seen"; keep;` },
  { name: 'internal flags reach the implicit keep', message: 'plain', script: sieve`require "imap4flags"; addflag ["\\Flagged", "$Important"];` },
  { name: 'addflag then removeflag', message: 'plain', script: sieve`require ["imap4flags", "fileinto"]; addflag ["\\Flagged", "$Work", "\\Seen"]; removeflag "\\Flagged"; fileinto "Work";` },
  { name: 'fileinto :flags replaces the internal flags', message: 'plain', script: sieve`require ["imap4flags", "fileinto"]; addflag "\\Seen"; fileinto :flags "\\Answered custom" "Work"; keep;` },
  { name: 'keep :flags with a space-separated list', message: 'plain', script: sieve`require "imap4flags"; keep :flags "\\Seen  \\Flagged";` },
  {
    name: 'hasflag sees the internal flags',
    message: 'plain',
    script: sieve`require ["imap4flags", "fileinto"];
addflag "\\Seen";
if hasflag :is "\\seen" { fileinto "Seen"; }
if hasflag :is "\\Flagged" { fileinto "Never"; }`,
  },
  {
    name: 'flags in a variable',
    message: 'plain',
    script: sieve`require ["imap4flags", "fileinto", "variables"];
addflag "myflags" "\\Draft";
addflag "myflags" "extra";
if hasflag :contains "myflags" "Draft" { fileinto :flags "\${myflags}" "Work"; }`,
  },
  {
    name: 'flags set before each fileinto',
    message: 'plain',
    script: sieve`require ["imap4flags", "fileinto"];
setflag "\\Seen"; fileinto "Work";
setflag "\\Flagged"; fileinto "Lists";`,
  },

  // --- variables ---
  {
    name: 'set with modifiers',
    message: 'plain',
    script: sieve`require ["variables", "fileinto"];
set :upper "a" "hello"; set :lowerfirst "b" "WORLD"; set :length "n" "abcde"; set :upperfirst "c" "xyz";
fileinto "\${a}-\${b}-\${n}-\${c}";`,
  },
  {
    name: 'set :quotewildcard',
    message: 'plain',
    script: sieve`require ["variables", "fileinto"];
set :quotewildcard "q" "a*b?c";
if string :is "\${q}" "a\\*b\\?c" { fileinto "Quoted"; }`,
  },
  { name: 'match variables from :matches', message: 'plain', script: sieve`require ["variables", "fileinto"]; if header :matches "subject" "* *" { fileinto "\${2}-\${1}"; }` },
  { name: 'match variable ${0} is the whole value', message: 'plain', script: sieve`require ["variables", "fileinto"]; if header :matches "x-priority" "*" { fileinto "P\${0}"; }` },
  { name: 'match variables of ? wildcards', message: 'plain', script: sieve`require ["variables", "fileinto"]; if header :matches "subject" "M??ting *" { fileinto "\${1}\${2}-\${3}"; }` },
  { name: 'address :matches captures the domain', message: 'recipients', script: sieve`require ["variables", "fileinto"]; if address :matches "from" "*@*" { fileinto "from-\${2}"; }` },
  { name: 'string test and an unset variable is empty', message: 'plain', script: sieve`require ["variables", "fileinto"]; set "x" "foo"; if string :is "\${x}\${unset}" "foo" { fileinto "Work"; }` },
  {
    name: 'variable names are case-insensitive',
    message: 'plain',
    script: sieve`require ["variables", "fileinto"]; set "Folder" "Work"; fileinto "\${folder}";`,
  },

  // --- body (RFC 5173) ---
  { name: 'body :text finds the text part of multipart mail', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :text :contains "quarterly numbers" { fileinto "Reports"; }` },
  { name: 'body :text does not see a binary attachment', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :text :contains "secretword" { fileinto "Never"; } else { fileinto "NotFound"; }` },
  { name: 'body :content text/html', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :content "text/html" :contains "<b>quarterly" { fileinto "Html"; }` },
  { name: 'body :content decodes the transfer encoding', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :content "application" :contains "secretword" { fileinto "Attachment"; }` },
  { name: 'body :raw sees the undecoded body', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :raw :contains "Content-Transfer-Encoding: base64" { fileinto "Raw"; }` },
  { name: 'body :raw does not decode quoted-printable', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :raw :contains "12 percent =E2=80=94" { fileinto "Raw"; } if body :raw :contains "secretword" { fileinto "Never"; }` },
  { name: 'body default is :text on a plain message', message: 'plain', script: sieve`require ["body", "fileinto"]; if body :contains "agenda" { fileinto "Work"; }` },
  { name: 'body :content "text" includes the csv attachment', message: 'multipart', script: sieve`require ["body", "fileinto"]; if body :content "text" :contains "north,1200" { fileinto "Csv"; }` },

  // --- relational (RFC 5231) ---
  { name: 'address :count over To and Cc', message: 'recipients', script: sieve`require ["relational", "comparator-i;ascii-numeric", "fileinto"]; if address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] "5" { fileinto "Crowd"; }` },
  { name: 'header :count of Received fields', message: 'plain', script: sieve`require ["relational", "comparator-i;ascii-numeric", "fileinto"]; if header :count "eq" :comparator "i;ascii-numeric" "received" "3" { fileinto "Three"; }` },
  { name: ':value "gt" with i;ascii-casemap compares as text', message: 'plain', script: sieve`require ["relational", "fileinto"]; if header :value "gt" "subject" "Meeting" { fileinto "After"; }` },

  // --- subaddress (RFC 5233), separator "+" ---
  { name: 'envelope :detail', message: 'subaddress', envelope: { to: 'bob+lists@example.net' }, script: sieve`require ["envelope", "subaddress", "fileinto"]; if envelope :detail :is "to" "lists" { fileinto "Lists"; }` },
  { name: 'address :user strips the detail', message: 'subaddress', envelope: { to: 'bob+lists@example.net' }, script: sieve`require ["subaddress", "fileinto"]; if address :user :is "to" "bob" { fileinto "Bob"; }` },
  {
    name: ':detail of an address without a separator does not match',
    message: 'plain',
    script: sieve`require ["subaddress", "fileinto"]; if address :detail :is "to" "" { fileinto "Never"; } if address :detail :matches "to" "*" { fileinto "NeverEither"; }`,
  },
  { name: ':detail of "bob+" is empty', message: 'subaddress', script: sieve`require ["subaddress", "fileinto"]; if address :detail :is "cc" "" { fileinto "EmptyDetail"; }` },
  { name: ':detail captured into a folder name', message: 'subaddress', envelope: { to: 'bob+lists@example.net' }, script: sieve`require ["envelope", "subaddress", "variables", "fileinto"]; if envelope :detail :matches "to" "*" { fileinto "sub-\${1}"; }` },

  // --- date and index (RFC 5260) ---
  { name: 'date year and month', message: 'plain', script: sieve`require ["date", "fileinto"]; if allof (date :is "date" "year" "2026", date :is "date" "month" "12") { fileinto "Dec"; }` },
  { name: 'date :zone converts the time', message: 'plain', script: sieve`require ["date", "fileinto"]; if date :zone "+0000" :is "date" "hour" "08" { fileinto "UTC8"; }` },
  { name: 'date :originalzone keeps the zone', message: 'plain', script: sieve`require ["date", "fileinto"]; if date :originalzone :is "date" "zone" "+0200" { fileinto "Plus2"; }` },
  { name: 'date :zone moves the day', message: 'multipart', script: sieve`require ["date", "fileinto", "variables"]; if date :zone "+0100" :matches "date" "date" "*" { fileinto "d-\${1}"; }` },
  { name: 'date weekday', message: 'encoded', script: sieve`require ["date", "fileinto"]; if date :originalzone :is "date" "weekday" "6" { fileinto "Saturday"; }` },
  { name: 'date iso8601 and time parts', message: 'recipients', script: sieve`require ["date", "fileinto", "variables"]; if date :originalzone :matches "date" "time" "*" { set "t" "\${1}"; } if date :originalzone :matches "date" "iso8601" "*T*" { fileinto "\${t}"; }` },
  { name: 'date relational against a number', message: 'plain', script: sieve`require ["date", "relational", "comparator-i;ascii-numeric", "fileinto"]; if date :value "ge" :comparator "i;ascii-numeric" "date" "day" "4" { fileinto "Late"; }` },
  { name: 'currentdate (independent of now)', message: 'plain', script: sieve`require ["date", "relational", "fileinto"]; if currentdate :value "ge" "year" "2000" { fileinto "Now"; } if currentdate :is "zone" "nonsense" { fileinto "Never"; }` },
  { name: 'header :index picks the first Received', message: 'plain', script: sieve`require ["index", "fileinto"]; if header :index 1 :contains "received" "by mx1" { fileinto "First"; }` },
  { name: 'header :index :last picks the last Received', message: 'plain', script: sieve`require ["index", "fileinto"]; if header :index 1 :last :contains "received" "laptop" { fileinto "Last"; } if header :index 2 :last :contains "received" "laptop" { fileinto "Never"; }` },
  { name: 'address :index counts fields, not addresses', message: 'recipients', script: sieve`require ["index", "fileinto"]; if address :index 2 :is "to" "frank@example.org" { fileinto "SecondField"; } if address :index 2 :is "to" "carol@example.net" { fileinto "Never"; }` },

  // --- mailbox (RFC 5490) ---
  {
    name: 'mailboxexists',
    message: 'plain',
    script: sieve`require ["mailbox", "fileinto"];
if mailboxexists "Work" { fileinto "Work"; }
if mailboxexists ["Work", "Nope"] { fileinto "Never"; }`,
  },
  { name: 'fileinto :create', message: 'plain', script: sieve`require ["mailbox", "fileinto"]; fileinto :create "Created";` },

  // --- duplicate (RFC 7352): first sight is not a duplicate ---
  { name: 'duplicate is false the first time', message: 'plain', script: sieve`require ["duplicate", "fileinto"]; if duplicate { discard; } else { fileinto "First"; }` },
  { name: 'duplicate :header and :uniqueid', message: 'plain', script: sieve`require ["duplicate", "fileinto"]; if anyof (duplicate :header "x-priority", duplicate :uniqueid "abc" :seconds 60) { discard; } else { fileinto "First"; }` },

  // --- editheader (RFC 5293) ---
  {
    name: 'addheader then a header test sees it',
    message: 'plain',
    compareHeaders: true,
    script: sieve`require ["editheader", "fileinto"]; addheader "X-Sorted" "yes"; if header :is "x-sorted" "yes" { fileinto "Work"; }`,
  },
  {
    name: 'deleteheader then exists is false',
    message: 'plain',
    compareHeaders: true,
    script: sieve`require ["editheader", "fileinto"]; deleteheader "x-priority"; if not exists "x-priority" { fileinto "Work"; }`,
  },
  {
    name: 'addheader :last and deleteheader :index',
    message: 'plain',
    compareHeaders: true,
    script: sieve`require ["editheader", "index"]; deleteheader :index 2 "x-tag"; addheader :last "X-Last" "at the end";`,
  },
  {
    name: 'deleteheader with a value pattern',
    message: 'plain',
    compareHeaders: true,
    script: sieve`require ["editheader", "relational", "comparator-i;ascii-numeric", "fileinto"]; deleteheader :matches "x-tag" "*a"; if header :count "eq" :comparator "i;ascii-numeric" "x-tag" "1" { fileinto "OneTagLeft"; }`,
  },
  {
    name: 'addheader with a variable value',
    message: 'encoded',
    compareHeaders: true,
    script: sieve`require ["editheader", "variables"]; if address :matches "from" "*@*" { addheader "X-Sender-Domain" "\${2}"; }`,
  },

  // --- reject (RFC 5429) ---
  { name: 'reject', message: 'plain', script: sieve`require "reject"; reject "I do not accept mail about meetings.";` },
  { name: 'reject with fileinto is a run-time error', message: 'plain', script: sieve`require ["reject", "fileinto"]; fileinto "Work"; reject "no";` },
  { name: 'reject with vacation is a run-time error', message: 'plain', script: sieve`require ["reject", "vacation"]; vacation "away"; reject "no";` },

  // --- vacation (RFC 5230, 6131) ---
  { name: 'vacation answers a normal message', message: 'plain', script: sieve`require "vacation"; vacation :days 3 :subject "Out of office" "I am away until Monday.";` },
  { name: 'vacation default subject is "Auto: " + subject', message: 'plain', script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation default subject of an encoded subject', message: 'encoded', script: sieve`require "vacation"; vacation :days 1 "Bin weg.";` },
  {
    name: 'vacation multi-line reason',
    message: 'plain',
    script: sieve`require "vacation";
vacation :days 2 text:
I am away.
..dot-stuffed line
.
;`,
  },
  { name: 'vacation never answers a list message', message: 'list', script: sieve`require "vacation"; vacation :addresses ["announce@lists.example.com"] "I am away.";` },
  { name: 'vacation never answers Auto-Submitted mail', message: 'auto-submitted', script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation never answers Precedence: bulk', message: 'bulk', script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation never answers mail not addressed to the user', message: 'bcc', script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation :addresses makes mail addressed', message: 'bcc', script: sieve`require "vacation"; vacation :addresses ["someone-else@example.org"] "I am away.";` },
  { name: 'vacation answers a recipient in Cc', message: 'recipients', envelope: { to: 'grace+news@example.net', from: 'dave@example.com' }, script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation never answers MAILER-DAEMON', message: 'plain', envelope: { from: 'MAILER-DAEMON@example.com' }, script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation never answers owner- senders', message: 'plain', envelope: { from: 'owner-team@example.com' }, script: sieve`require "vacation"; vacation "I am away.";` },
  { name: 'vacation :seconds', message: 'plain', script: sieve`require "vacation-seconds"; vacation :seconds 7200 :subject "Back soon" "Back in two hours.";` },
  { name: 'vacation :handle and :from', message: 'plain', script: sieve`require "vacation"; vacation :handle "ooo" :from "bob@example.net" :days 5 "Away.";` },
  { name: 'vacation with fileinto', message: 'plain', script: sieve`require ["vacation", "fileinto"]; vacation "Away."; fileinto "Work";` },

  // --- encoded-character (RFC 5228 2.4.2.4) ---
  { name: 'encoded-character hex and unicode', message: 'plain', script: sieve`require ["encoded-character", "fileinto"]; if header :contains "subject" "\${hex:4d 65 65 74}" { fileinto "\${unicode:57}ork"; }` },
  { name: 'encoded-character for non-ASCII', message: 'encoded', script: sieve`require ["encoded-character", "fileinto"]; if header :contains "subject" "M\${unicode:fc}nchen" { fileinto "Decoded"; }` },

  // --- spamtest (RFC 5235): X-Spam-Score out of 10 ---
  { name: 'spamtest high score', message: 'spam', script: sieve`require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"]; if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { fileinto "Junk"; }` },
  { name: 'spamtest low score', message: 'ham', script: sieve`require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto"]; if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { fileinto "Junk"; } else { fileinto "Clean"; }` },
  { name: 'spamtestplus :percent', message: 'spam', script: sieve`require ["spamtestplus", "relational", "comparator-i;ascii-numeric", "fileinto"]; if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "70" { fileinto "Junk"; }` },
  { name: 'spamtest untested is 0', message: 'plain', script: sieve`require ["spamtest", "fileinto", "comparator-i;ascii-numeric"]; if spamtest :is :comparator "i;ascii-numeric" "0" { fileinto "Untested"; }` },

  // --- environment (RFC 5183): sieve-test reports location "MS"; libs/sieve is given the same ---
  {
    name: 'environment location, and an unknown item is false',
    message: 'plain',
    environment: { location: 'MS' },
    script: sieve`require ["environment", "fileinto"]; if environment :is "location" "MS" { fileinto "Work"; } if environment :contains "x-no-such-item" "" { fileinto "Never"; }`,
  },

  // --- include (RFC 6609) and scripts before the user's ---
  {
    name: 'include :personal and :global',
    message: 'plain',
    personal: { helper: 'require "fileinto"; fileinto "FromPersonal";' },
    global: { shared: 'require "fileinto"; if header :contains "subject" "meeting" { fileinto "FromGlobal"; }' },
    script: sieve`require ["include", "fileinto"]; include :personal "helper"; include :global "shared"; fileinto "Work";`,
  },
  {
    name: 'return leaves only the included script',
    message: 'plain',
    personal: { early: 'require ["include", "fileinto"]; fileinto "Early"; return; fileinto "Never";' },
    script: sieve`require ["include", "fileinto"]; include :personal "early"; fileinto "Work";`,
  },
  {
    name: 'global variables across include',
    message: 'plain',
    personal: { setter: 'require ["include", "variables"]; global "box"; set "box" "Work";' },
    script: sieve`require ["include", "variables", "fileinto"]; global "box"; include :personal "setter"; fileinto "\${box}";`,
  },
  {
    name: 'a before script that cancels the implicit keep ends the run',
    message: 'plain',
    before: [sieve`require "fileinto"; if header :contains "subject" "meeting" { fileinto "Work"; }`],
    script: sieve`require "fileinto"; fileinto "UserScript";`,
  },
  {
    name: 'flags set by a before script reach the user script',
    message: 'plain',
    before: [sieve`require "imap4flags"; addflag "\\Seen";`],
    script: sieve`require "fileinto"; fileinto "UserScript";`,
  },
  {
    name: 'a before fileinto :copy lets the user script run',
    message: 'plain',
    before: [sieve`require ["fileinto", "copy"]; fileinto :copy "Work";`],
    script: sieve`require "fileinto"; fileinto "UserScript";`,
  },
];

/** Scripts both implementations must refuse at compile time. */
export const BROKEN_SCRIPTS: Array<{ name: string; script: string }> = [
  { name: 'missing semicolon at the end', script: sieve`require "fileinto"; fileinto "Work"` },
  { name: 'unknown command', script: sieve`require "fileinto";
filein "Work";` },
  { name: 'extension used without require', script: sieve`fileinto "Work";` },
  { name: 'unknown extension in require', script: sieve`require "x-no-such-extension";` },
  { name: 'unterminated string', script: sieve`if header :is "subject" "abc { keep; }` },
  { name: 'unbalanced braces', script: sieve`if true { keep;` },
  { name: 'unknown tagged argument', script: sieve`if header :over "subject" "x" { keep; }` },
  { name: 'string where a number is required', script: sieve`if size :over "big" { keep; }` },
  { name: 'elsif without if', script: sieve`elsif true { keep; }` },
  { name: 'invalid variable name in set', script: sieve`require "variables"; set "1abc" "x";` },
  { name: 'require after a command', script: sieve`keep; require "fileinto";` },
  { name: 'test used as a command', script: sieve`header :is "subject" "x";` },
];
