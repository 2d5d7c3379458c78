import dgram from 'node:dgram';

/** Records of one name in the test zone. Absent name -> NXDOMAIN; absent type -> NODATA. */
export interface TestDnsRecords {
  /** [preference, exchange]; exchange "" is the null MX "." (RFC 7505). */
  mx?: [number, string][];
  a?: string[];
  txt?: string[];
  /** PTR names (for reverse names such as 1.0.0.127.in-addr.arpa) */
  ptr?: string[];
}

const TYPE = { A: 1, PTR: 12, MX: 15, TXT: 16, AAAA: 28 } as const;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } | null {
  let offset = 12;
  const labels: string[] = [];
  while (offset < msg.length) {
    const len = msg[offset]!;
    if (len === 0) break;
    if (len > 63) return null;
    labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
    offset += 1 + len;
  }
  if (offset + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(offset + 1), end: offset + 5 };
}

function answer(type: number, ttl: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for delivery tests: hand-encoded RFC 1035
 * answers for MX, A, TXT and PTR; NXDOMAIN for unknown names; empty answers (NODATA) otherwise.
 * Names under a `silence`d suffix get no answer at all (a DNS list that never answers).
 */
export class TestDnsServer {
  private readonly socket = dgram.createSocket('udp4');
  readonly zone = new Map<string, TestDnsRecords>();
  private readonly silent = new Set<string>();
  /** every question asked, "TYPE name" (type as a number) */
  readonly queries: string[] = [];
  port = 0;

  set(name: string, records: TestDnsRecords): void {
    this.zone.set(name.toLowerCase(), records);
  }

  /** Queries for `suffix` and the names under it are dropped unanswered. */
  silence(suffix: string): void {
    this.silent.add(suffix.toLowerCase());
  }

  async start(): Promise<void> {
    this.socket.on('message', (msg, rinfo) => {
      const q = readQuestion(msg);
      if (!q) return;
      this.queries.push(`${q.type} ${q.name}`);
      if ([...this.silent].some((s) => q.name === s || q.name.endsWith(`.${s}`))) return;
      const records = this.zone.get(q.name);
      const answers: Buffer[] = [];
      if (records) {
        if (q.type === TYPE.MX) {
          for (const [pref, exchange] of records.mx ?? []) {
            const p = Buffer.alloc(2);
            p.writeUInt16BE(pref, 0);
            answers.push(answer(TYPE.MX, 60, Buffer.concat([p, encodeName(exchange)])));
          }
        } else if (q.type === TYPE.A) {
          for (const ip of records.a ?? []) answers.push(answer(TYPE.A, 60, Buffer.from(ip.split('.').map(Number))));
        } else if (q.type === TYPE.PTR) {
          for (const name of records.ptr ?? []) answers.push(answer(TYPE.PTR, 60, encodeName(name)));
        } else if (q.type === TYPE.TXT) {
          for (const text of records.txt ?? []) {
            const chunks = text.match(/.{1,255}/g) ?? [''];
            answers.push(answer(TYPE.TXT, 60, Buffer.concat(chunks.map((c) => Buffer.concat([Buffer.from([c.length]), Buffer.from(c, 'ascii')])))));
          }
        }
      }
      const header = Buffer.alloc(12);
      msg.copy(header, 0, 0, 2); // id
      const rd = msg[2]! & 0x01;
      header[2] = 0x84 | rd; // QR, AA, RD echoed
      header[3] = 0x80 | (records ? 0 : 3); // RA, RCODE NOERROR or NXDOMAIN
      header.writeUInt16BE(1, 4);
      header.writeUInt16BE(answers.length, 6);
      const reply = Buffer.concat([header, msg.subarray(12, q.end), ...answers]);
      this.socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
