import { describe, expect, it } from 'vitest';
import { SanitizedHtmlCache, sanitizeHtml } from './html-sanitizer';

const sanitize = (html: string) => sanitizeHtml(html, { allowRemoteImages: false, cidUrl: (cid) => (cid === 'logo@x' ? '/api/messages/1/attachments/2?inline=true' : undefined) });

describe('HTML sanitizer (the API\'s)', () => {
  // The hostile corpus runs against the policy itself (libs/html-policy html-policy.spec.ts); this
  // shows the API's jsdom-backed sanitizer is that policy.
  it('applies the received-mail profile of libs/html-policy', () => {
    expect(sanitize('<p onclick="x()">a<script>alert(1)</script></p><svg onload=alert(1)></svg><a href="javascript:alert(1)">b</a><div style="background:url(https://t.test/p.gif)">c</div>').html).toBe(
      '<p>a</p><a>b</a><div>c</div>',
    );
  });

  it('blocks remote images unless asked, and reports that it did', () => {
    const blocked = sanitize('<img src="https://tracker.test/p.gif"><img src="//tracker.test/q.gif">');
    expect(blocked.html).not.toContain('tracker.test');
    expect(blocked.remoteImagesBlocked).toBe(true);
    const allowed = sanitizeHtml('<img src="https://tracker.test/p.gif">', { allowRemoteImages: true, cidUrl: () => undefined });
    expect(allowed.html).toContain('https://tracker.test/p.gif');
    expect(sanitize('<img src="cid:unknown@x">').html).not.toContain('cid:');
  });
});

describe('SanitizedHtmlCache', () => {
  const body = (n: number) => ({ html: 'x'.repeat(n), remoteImagesBlocked: false });

  it('keeps only large bodies and drops the least recently used beyond its budget', () => {
    const cache = new SanitizedHtmlCache(400, 50);
    cache.set('small', body(10));
    expect(cache.get('small')).toBeUndefined();
    cache.set('a', body(100));
    cache.set('b', body(100));
    cache.set('c', body(100));
    expect(cache.get('a')?.html).toHaveLength(100); // a is now the most recent
    cache.set('d', body(100));
    cache.set('e', body(100));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(4);
    cache.set('huge', body(101)); // over a quarter of the budget: not kept
    expect(cache.get('huge')).toBeUndefined();
  });
});
