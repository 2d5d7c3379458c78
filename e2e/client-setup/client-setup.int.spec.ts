// Client autoconfiguration as mail clients meet it: the server as it runs (runtime/server.ts,
// roles api + imap + smtp + pop3), Python playing Thunderbird, Outlook and an Apple device.
// Python fetches each document over HTTP, parses it with a real XML/plist parser
// (xml.etree, plistlib), and then logs in to every server the document names, with the
// security it names (implicit TLS or STARTTLS) — so a wrong port, host or socket type fails.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@mailstead/auth';
import { createTestDatabase, runtimeConfig, type TestDatabase } from '@mailstead/testing';
import type { MailsteadConfig } from '@mailstead/config';
import { createLogger } from '../../apps/server/src/runtime/logger';
import { startServer, type RunningServer } from '../../apps/server/src/runtime/server';
import { Client } from '../api/api-harness';

const run = promisify(execFile);
const ADDRESS = 'ann@auto.test';
const PASSWORD = 'ann-password-1';
let db: TestDatabase;
let server: RunningServer;
let config: MailsteadConfig;
let base: string;

/** Python: fetch a document, parse it, and sign in to each server it lists. Prints JSON. */
const PYTHON_CLIENT = String.raw`
import imaplib, json, plistlib, poplib, smtplib, ssl, sys, urllib.request
import xml.etree.ElementTree as ET
kind, url, address, password = sys.argv[1:5]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE

def sign_in(proto, host, port, security, user, pw):
    if proto == 'imap':
        c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=10) if security == 'tls' else imaplib.IMAP4(host, port, timeout=10)
        if security == 'starttls': c.starttls(ssl_context=ctx)
        c.login(user, pw); c.logout()
    elif proto == 'pop3':
        c = poplib.POP3_SSL(host, port, context=ctx, timeout=10) if security == 'tls' else poplib.POP3(host, port, timeout=10)
        if security == 'starttls': c.stls(context=ctx)
        c.user(user); c.pass_(pw); c.quit()
    else:
        c = smtplib.SMTP_SSL(host, port, context=ctx, timeout=10) if security == 'tls' else smtplib.SMTP(host, port, timeout=10)
        if security == 'starttls': c.starttls(context=ctx)
        c.login(user, pw); c.quit()
    return [proto, port, security]

out = {'signedIn': []}
if kind == 'thunderbird':
    with urllib.request.urlopen(url) as r: doc = ET.fromstring(r.read())
    assert doc.tag == 'clientConfig' and doc.get('version') == '1.1', doc.tag
    provider = doc.find('emailProvider')
    out['provider'] = provider.get('id'); out['domains'] = [d.text for d in provider.findall('domain')]
    for s in provider.findall('incomingServer') + provider.findall('outgoingServer'):
        sock = s.findtext('socketType'); assert sock in ('SSL', 'STARTTLS'), sock
        assert s.findtext('authentication') == 'password-cleartext'
        user = s.findtext('username').replace('%EMAILADDRESS%', address)
        out['signedIn'].append(sign_in(s.get('type'), s.findtext('hostname'), int(s.findtext('port')), 'tls' if sock == 'SSL' else 'starttls', user, password))
elif kind == 'outlook':
    body = ('<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">'
            '<Request><EMailAddress>%s</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>' % address)
    req = urllib.request.Request(url, data=body.encode(), headers={'Content-Type': 'text/xml'}, method='POST')
    with urllib.request.urlopen(req) as r: doc = ET.fromstring(r.read())
    ns = {'a': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006', 'o': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'}
    assert doc.tag == '{%s}Autodiscover' % ns['a'], doc.tag
    error = doc.find('a:Response/a:Error', ns)
    if error is not None:
        out['error'] = error.findtext('a:ErrorCode', namespaces=ns)
    else:
        account = doc.find('o:Response/o:Account', ns)
        out['action'] = account.findtext('o:Action', namespaces=ns)
        for p in account.findall('o:Protocol', ns):
            security = 'tls' if p.findtext('o:SSL', namespaces=ns) == 'on' else 'starttls' if p.findtext('o:Encryption', namespaces=ns) == 'TLS' else 'none'
            out['signedIn'].append(sign_in(p.findtext('o:Type', namespaces=ns).lower(), p.findtext('o:Server', namespaces=ns), int(p.findtext('o:Port', namespaces=ns)), security, p.findtext('o:LoginName', namespaces=ns), password))
else:
    with open(url, 'rb') as f: profile = plistlib.load(f)
    assert profile['PayloadType'] == 'Configuration'
    mail = profile['PayloadContent'][0]
    assert mail['PayloadType'] == 'com.apple.mail.managed' and mail['EmailAccountType'] == 'EmailTypeIMAP'
    out['uuids'] = [profile['PayloadUUID'], mail['PayloadUUID']]
    out['signedIn'].append(sign_in('imap', mail['IncomingMailServerHostName'], mail['IncomingMailServerPortNumber'], 'tls' if mail['IncomingMailServerUseSSL'] else 'none', mail['IncomingMailServerUsername'], mail['IncomingPassword']))
    out['signedIn'].append(sign_in('smtp', mail['OutgoingMailServerHostName'], mail['OutgoingMailServerPortNumber'], 'tls' if mail['OutgoingMailServerUseSSL'] else 'none', mail['OutgoingMailServerUsername'], mail['OutgoingPassword']))
print(json.dumps(out))
`;

async function python(kind: 'thunderbird' | 'outlook' | 'apple', url: string, password = PASSWORD): Promise<{ signedIn: [string, number, string][]; [k: string]: unknown }> {
  const { stdout } = await run('python3', ['-c', PYTHON_CLIENT, kind, url, ADDRESS, password], { timeout: 60_000 });
  return JSON.parse(stdout);
}

/** GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(pathname: string, host: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: config.http.port, path: pathname, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-web-'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>webmail</title>');
  config = await runtimeConfig({
    DATABASE_URL: db.url,
    MAILSTEAD_ROLES: 'api,imap,pop3,smtp',
    MAILSTEAD_HOSTNAME: 'localhost',
    MAILSTEAD_SMTP_SENDER_CHECKS: 'false',
    MAILSTEAD_ADMIN_ADDRESS: 'postmaster@auto.test',
  });
  server = await startServer(config, createLogger(config), { webApp: Promise.resolve({ dir: webDir }) });
  base = `http://127.0.0.1:${config.http.port}`;
  await db.store.accounts.create({ address: ADDRESS, passwordHash: await hashPassword(PASSWORD), role: 'user', displayName: 'Ann Example' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

const everyServer = () =>
  [
    ['imap', config.imap.tls.port, 'tls'],
    ['imap', config.imap.plain.port, 'starttls'],
    ['pop3', config.pop3.tls.port, 'tls'],
    ['pop3', config.pop3.plain.port, 'starttls'],
    ['smtp', config.smtp.submissions.port, 'tls'],
    ['smtp', config.smtp.submission.port, 'starttls'],
  ].sort();

describe('Thunderbird autoconfig', () => {
  it('names every server a client can sign in to, at the well-known URL and for the autoconfig host', async () => {
    const wellKnown = await python('thunderbird', `${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(ADDRESS)}`);
    expect(wellKnown.provider).toBe('auto.test');
    expect(wellKnown.domains).toEqual(['auto.test']);
    expect(wellKnown.signedIn.sort()).toEqual(everyServer());

    const byHost = await getWithHost('/mail/config-v1.1.xml', 'autoconfig.auto.test');
    expect(byHost.status).toBe(200);
    expect(byHost.type).toMatch(/^application\/xml/);
    expect(byHost.body).toContain('<emailProvider id="auto.test">');
  });

  it('answers 404 for a domain it does not serve', async () => {
    const res = await fetch(`${base}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=someone@elsewhere.test`);
    expect(res.status).toBe(404);
    expect((await getWithHost('/mail/config-v1.1.xml', 'autoconfig.elsewhere.test')).status).toBe(404);
  });
});

describe('Outlook Autodiscover', () => {
  it('POX: answers settings Outlook signs in with, and error 600 for a foreign address', async () => {
    const found = await python('outlook', `${base}/autodiscover/autodiscover.xml`);
    expect(found.action).toBe('settings');
    expect(found.signedIn.sort()).toEqual(everyServer());
    const upper = await fetch(`${base}/Autodiscover/Autodiscover.xml`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<Autodiscover><Request><EMailAddress>someone@elsewhere.test</EMailAddress></Request></Autodiscover>` });
    expect(upper.status).toBe(200);
    expect(await upper.text()).toContain('<ErrorCode>600</ErrorCode>');
  });

  it('v2 JSON: points AutodiscoverV1 at the POX endpoint and refuses other protocols as Exchange does', async () => {
    const ok = await fetch(`${base}/autodiscover/autodiscover.json?Email=${encodeURIComponent(ADDRESS)}&Protocol=AutodiscoverV1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ Protocol: 'AutodiscoverV1', Url: `${config.publicUrl}/autodiscover/autodiscover.xml` });
    const pathForm = await fetch(`${base}/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(ADDRESS)}?Protocol=AutodiscoverV1`);
    expect(pathForm.status).toBe(200);
    const activeSync = await fetch(`${base}/autodiscover/autodiscover.json?Email=${encodeURIComponent(ADDRESS)}&Protocol=ActiveSync`);
    expect(activeSync.status).toBe(400);
    expect(await activeSync.json()).toMatchObject({ ErrorCode: 'ProtocolNotSupported' });
    expect((await fetch(`${base}/autodiscover/autodiscover.json?Email=x@elsewhere.test&Protocol=AutodiscoverV1`)).status).toBe(404);
  });
});

describe('Apple configuration profile', () => {
  it('is a valid plist whose app password signs in to IMAP and SMTP, listed among the app passwords', async () => {
    const client = new Client(base);
    expect((await client.login(ADDRESS, PASSWORD)).status).toBe(200);
    const res = await client.post('/api/client-setup/apple-profile');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-apple-aspen-config/);
    expect(res.headers.get('content-disposition')).toContain('.mobileconfig');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mobileconfig-')), 'p.mobileconfig');
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    fs.writeFileSync(file, text);
    const profile = await python('apple', file, 'not-the-password');
    expect(profile.signedIn).toEqual([
      ['imap', config.imap.tls.port, 'tls'],
      ['smtp', config.smtp.submissions.port, 'tls'],
    ]);
    const passwords = await client.json<{ label: string }[]>('GET', '/api/auth/app-passwords');
    expect(passwords.map((p) => p.label)).toEqual([expect.stringMatching(/^Apple profile \d{4}-\d\d-\d\d$/)]);
    // Anonymous callers get no profile.
    expect((await fetch(`${base}/api/client-setup/apple-profile`, { method: 'POST' })).status).toBe(401);
  });
});

describe('paths that are never the webmail', () => {
  it('answers 404 under /api, /.well-known and /autodiscover, and the webmail page elsewhere', async () => {
    for (const p of ['/api/nothing-here', '/.well-known/unknown', '/.well-known/autoconfig/other.xml', '/autodiscover/other', '/Autodiscover/other']) {
      const res = await fetch(base + p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).not.toMatch(/html/);
    }
    const page = await fetch(`${base}/mail/inbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>webmail</title>');
  });
});
