import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine } from './stats';

const file = path.resolve(import.meta.dirname, '../RESULTS.md');

/** Appends one run's table to e2e/bench/RESULTS.md (newest last), with the command that made it. */
export function appendResults(area: string, command: string, rows: string[], columns = '| measure | Mailstead | reference | ratio |'): void {
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, '# Benchmark results\n\nEach section is one run, on the machine named, with Mailstead and the reference server (Debian\'s Dovecot or Postfix) loaded by the same client in the same run. Figures on a shared 2-core machine are noisy: compare ratios, not absolutes.\n');
  }
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const section = [`\n## ${area} — ${when} UTC`, '', `Command: \`${command}\`  `, `Machine: ${machine()}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, '', columns, columns.replace(/[^|]+/g, '---'), ...rows, ''];
  fs.appendFileSync(file, section.join('\n'));
}
