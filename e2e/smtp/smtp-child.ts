/**
 * A bare MX listener in its own process, for the crash test: `tsx e2e/smtp/smtp-child.ts <database url> <port> <cert.pem> <key.pem>`.
 * Prints "ready" once it listens; the test kills it with SIGKILL.
 */
import fs from 'node:fs';
import { RecipientResolver } from '@mailstead/pipeline';
import { SmtpFrontEnd } from '@mailstead/smtp';
import { Store } from '@mailstead/store';

const [url, port, certFile, keyFile] = process.argv.slice(2);
const store = await Store.connect(url!, { poolSize: 8 });
const quiet = () => undefined;
const frontEnd = new SmtpFrontEnd(
  {
    store,
    resolver: new RecipientResolver(store),
    authenticator: { authenticate: async () => ({ ok: false, reason: 'invalid' }) },
    hostname: 'mx.crash.test',
    limits: { maxMessageSize: 1_000_000, maxRecipients: 10, maxConnections: 10, maxConnectionsPerIp: 10, idleTimeoutSeconds: 30, greetingDelayMs: 0 },
    insecureAuth: false,
    allowExpn: false,
    senderChecks: false,
    dmarcReject: false,
    logger: { info: quiet, warn: quiet, error: (obj, msg) => console.error(msg, obj), debug: quiet },
  },
  { cert: fs.readFileSync(certFile!), key: fs.readFileSync(keyFile!) },
);
await frontEnd.listen([{ kind: 'mx', host: '127.0.0.1', port: Number(port) }]);
console.log('ready');
