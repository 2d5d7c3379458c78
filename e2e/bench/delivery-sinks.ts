// The remote MTAs of the delivery benchmark, in their own process so they do not share an event
// loop with the sender under test: one smtp-server sink per 127.0.0.x address (all on one port),
// accepting everything (STARTTLS offered with smtp-server's built-in certificate). Each received
// message's X-Bench-Id and arrival time go to the parent over IPC in batches.
// Input: argv[2] = JSON { hosts: string[], port: number }.
import { SMTPServer } from 'smtp-server';

const input = JSON.parse(process.argv[2] ?? '{}') as { hosts: string[]; port: number };
let batch: [string, number][] = [];
let connections = 0;

function flush(): void {
  if (batch.length === 0) return;
  process.send?.({ got: batch });
  batch = [];
}
setInterval(flush, 50).unref();

const servers = input.hosts.map(
  (host) =>
    new SMTPServer({
      name: `sink-${host}`,
      authOptional: true,
      disabledCommands: ['AUTH'],
      hideDSN: false,
      logger: false,
      onConnect: (_session, cb) => {
        connections += 1;
        cb();
      },
      onData: (stream, _session, cb) => {
        let head = '';
        let id: string | null = null;
        stream.on('data', (chunk: Buffer) => {
          if (id !== null || head.length > 16_384) return;
          head += chunk.toString('latin1');
          const m = /^X-Bench-Id: (\S+)/im.exec(head);
          if (m) id = m[1]!;
        });
        stream.on('end', () => {
          if (id) batch.push([id, Date.now()]);
          cb(null, 'Queued');
        });
      },
    }),
);

await Promise.all(servers.map((s, i) => new Promise<void>((resolve, reject) => {
  s.on('error', () => undefined);
  s.server.once('error', reject);
  s.listen(input.port, input.hosts[i], () => resolve());
})));
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'connections') process.send?.({ connections });
});
process.send?.({ ready: true });
