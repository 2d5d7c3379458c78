/**
 * Address checks for forms. Deliberately the same shape the API accepts (a dot-atom local
 * part or a quoted one is more than an admin form needs): local@domain.tld without spaces.
 */
const ADDRESS = /^[^\s@"(),:;<>[\]\\]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export const isAddress = (value: string): boolean => value.length <= 320 && ADDRESS.test(value);
export const isDomainName = (value: string): boolean => value.length <= 253 && DOMAIN.test(value);
export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Splits pasted text (one per line, or separated by commas, semicolons or spaces) into addresses. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim().replace(/^<(.*)>$/, '$1'))
    .filter((part) => part.length > 0);
}

/** The entries that are not addresses, for a form error that names them. */
export function invalidAddresses(values: readonly string[]): string[] {
  return values.filter((v) => !isAddress(v));
}

/**
 * Addresses from a CSV file of members: the column named address/email (any case) when
 * there is a header row, else the first cell of every row that holds an address.
 * Quoted cells ("a, b") are handled; blank lines are skipped.
 */
export function addressesFromCsv(csv: string): { addresses: string[]; rejected: string[] } {
  const rows = csv
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .map(parseCsvLine);
  if (rows.length === 0) return { addresses: [], rejected: [] };
  const header = rows[0]!.map((cell) => cell.trim().toLowerCase());
  let column = header.findIndex((cell) => cell === 'address' || cell === 'email' || cell === 'e-mail' || cell === 'mail');
  let body = rows;
  if (column >= 0) body = rows.slice(1);
  else column = 0;
  const addresses: string[] = [];
  const rejected: string[] = [];
  for (const row of body) {
    const cell = (row[column] ?? '').trim();
    if (!cell) continue;
    if (isAddress(cell)) addresses.push(cell.toLowerCase());
    else rejected.push(cell);
  }
  return { addresses: [...new Set(addresses)], rejected };
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === ';') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
