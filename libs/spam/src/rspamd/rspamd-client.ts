import type { SpamSymbol } from '../rules/spam-rules';

/** What rspamd said about a message (POST /checkv2). */
export interface RspamdVerdict {
  score: number;
  requiredScore: number;
  /** "no action", "greylist", "add header", "rewrite subject", "soft reject" or "reject" */
  action: string;
  symbols: SpamSymbol[];
}

/** The SMTP envelope rspamd's protocol takes as request headers. */
export interface RspamdEnvelope {
  from: string;
  recipients: readonly string[];
  ip: string | null;
  helo: string | null;
  hostname: string | null;
  /** the authenticated user, for submission */
  user?: string | null;
  queueId?: string;
}

export class RspamdUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RspamdUnavailableError';
  }
}

interface CheckAnswer {
  score?: number;
  required_score?: number;
  action?: string;
  symbols?: Record<string, { name?: string; score?: number; options?: string[]; description?: string }>;
}

/** Header values go on one line; anything else rspamd would read as a second header. */
const oneLine = (v: string) => v.replace(/[\r\n]+/g, ' ').slice(0, 998);

/**
 * A client of rspamd's HTTP protocol: POST /checkv2 with the message as the body and the envelope
 * as headers (From, Rcpt per recipient, IP, Helo, Hostname, User), and the controller's
 * /learnspam and /learnham (with its Password) for training.
 */
export class RspamdClient {
  constructor(
    private readonly baseUrl: string,
    private readonly options: { password?: string; timeoutMs: number },
  ) {}

  private async post(path: string, raw: Buffer, headers: [string, string][]): Promise<Response> {
    const h = new Headers();
    for (const [k, v] of headers) h.append(k, oneLine(v));
    if (this.options.password) h.set('Password', this.options.password);
    try {
      return await fetch(`${this.baseUrl}${path}`, { method: 'POST', body: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) as Uint8Array<ArrayBuffer>, headers: h, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw new RspamdUnavailableError(`rspamd at ${this.baseUrl}: ${(error as Error).message}`);
    }
  }

  async check(raw: Buffer, envelope: RspamdEnvelope): Promise<RspamdVerdict> {
    const headers: [string, string][] = [['From', envelope.from]];
    for (const r of envelope.recipients) headers.push(['Rcpt', r]);
    if (envelope.ip) headers.push(['IP', envelope.ip.replace(/^::ffff:/, '')]);
    if (envelope.helo) headers.push(['Helo', envelope.helo]);
    if (envelope.hostname) headers.push(['Hostname', envelope.hostname]);
    if (envelope.user) headers.push(['User', envelope.user]);
    if (envelope.queueId) headers.push(['Queue-Id', envelope.queueId]);
    const res = await this.post('/checkv2', raw, headers);
    if (!res.ok) throw new RspamdUnavailableError(`rspamd answered ${res.status} to /checkv2`);
    let body: CheckAnswer;
    try {
      body = (await res.json()) as CheckAnswer;
    } catch {
      throw new RspamdUnavailableError('rspamd answered /checkv2 with something that is not JSON');
    }
    if (typeof body.score !== 'number' || typeof body.action !== 'string') throw new RspamdUnavailableError('rspamd answered /checkv2 without a score and an action');
    const symbols = Object.entries(body.symbols ?? {})
      .map(([name, s]) => ({ name: s.name ?? name, score: Math.round((s.score ?? 0) * 100) / 100, ...(s.options?.length ? { detail: s.options.join(', ').slice(0, 200) } : {}) }))
      .filter((s) => s.score !== 0)
      .sort((a, b) => b.score - a.score);
    return { score: body.score, requiredScore: body.required_score ?? 0, action: body.action, symbols };
  }

  /** /learnspam or /learnham on the controller; "already learned" (208) counts as done. */
  async learn(raw: Buffer, spam: boolean, user: string | null = null): Promise<void> {
    const res = await this.post(spam ? '/learnspam' : '/learnham', raw, user ? [['Deliver-To', user]] : []);
    if (res.status === 200 || res.status === 208) return;
    const text = await res.text().catch(() => '');
    throw new RspamdUnavailableError(`rspamd answered ${res.status} ${res.statusText} to ${spam ? '/learnspam' : '/learnham'} ${text.slice(0, 200)}`.trim());
  }
}

/** What rspamd's action means here: reject at DATA, Junk, a temporary refusal, or INBOX (greylisting is our own step's). */
export function rspamdAction(action: string): 'reject' | 'junk' | 'tempfail' | 'inbox' {
  switch (action) {
    case 'reject':
      return 'reject';
    case 'add header':
    case 'rewrite subject':
      return 'junk';
    case 'soft reject':
      return 'tempfail';
    default:
      return 'inbox';
  }
}
