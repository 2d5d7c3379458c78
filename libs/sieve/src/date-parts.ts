/** A point in time with the zone it is shown in (RFC 5260). */
export interface ZonedDate {
  utc: Date;
  /** minutes east of UTC */
  offset: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const OBSOLETE_ZONES: Record<string, number> = { ut: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** RFC 5322 3.3 date-time (with its obsolete forms), keeping the zone written. Null when unreadable. */
export function parseMailDate(value: string): ZonedDate | null {
  const s = value.replace(/\([^)]*\)/g, ' ').trim();
  const m = /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?/.exec(s);
  if (m === null) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  const day = Number(m[1]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let offset = 0;
  const zone = m[7];
  if (zone !== undefined) {
    if (/^[+-]\d{4}$/.test(zone)) offset = zoneMinutes(zone);
    else offset = OBSOLETE_ZONES[zone.toLowerCase()] ?? 0;
  }
  const utc = new Date(Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60_000);
  if (Number.isNaN(utc.getTime())) return null;
  return { utc, offset };
}

export function zoneMinutes(zone: string): number {
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function zoneText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

/** RFC 5260 4.2 date-part of a date shown in its zone; null for an unknown part. */
export function datePart(d: ZonedDate, part: string): string | null {
  const local = new Date(d.utc.getTime() + d.offset * 60_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const hh = local.getUTCHours();
  const mm = local.getUTCMinutes();
  const ss = local.getUTCSeconds();
  switch (part.toLowerCase()) {
    case 'year':
      return pad(year, 4);
    case 'month':
      return pad(month);
    case 'day':
      return pad(day);
    case 'date':
      return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
    case 'julian':
      // Modified Julian Day: days since 1858-11-17
      return String(Math.floor((Date.UTC(year, month - 1, day) - Date.UTC(1858, 10, 17)) / 86_400_000));
    case 'hour':
      return pad(hh);
    case 'minute':
      return pad(mm);
    case 'second':
      return pad(ss);
    case 'time':
      return `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
    case 'iso8601':
      return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(ss)}${zoneText(d.offset, true)}`;
    case 'std11':
      return `${WEEKDAYS[local.getUTCDay()]}, ${day} ${MONTHS[month - 1]![0]!.toUpperCase()}${MONTHS[month - 1]!.slice(1)} ${pad(year, 4)} ${pad(hh)}:${pad(mm)}:${pad(ss)} ${zoneText(d.offset, false)}`;
    case 'zone':
      return zoneText(d.offset, false);
    case 'weekday':
      return String(local.getUTCDay());
    default:
      return null;
  }
}
