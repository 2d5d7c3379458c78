const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, edt: -4, est: -5, cdt: -5, cst: -6, mdt: -6, mst: -7, pdt: -7, pst: -8 };
const RFC5322 = /(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}|[a-z]{1,5}))?/i;

/**
 * RFC 5322 3.3 date-time, with the obsolete forms of 4.3 (two/three-digit years, named
 * zones; unknown zones count as +0000). Anything else goes to Date.parse only when it
 * carries a four-digit year, so "Date: 5" is not read as 2001.
 */
export function parseDate(value: string | null): Date | null {
  if (value === null) return null;
  const v = value.slice(0, 200);
  const m = RFC5322.exec(v);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase());
    let year = Number(m[3]);
    if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
    else if (m[3]!.length === 3) year += 1900;
    const zone = (m[7] ?? '').toLowerCase();
    let offsetMin = 0;
    if (/^[+-]\d{4}$/.test(zone)) {
      const sign = zone[0] === '-' ? -1 : 1;
      offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    } else if (Object.hasOwn(ZONES, zone)) offsetMin = ZONES[zone]! * 60;
    if (month >= 0) {
      const ms = Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offsetMin * 60_000;
      if (!Number.isNaN(ms)) return new Date(ms);
    }
  }
  if (!/\d{4}/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms);
}
