import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
const distDir = path.join(root, 'dist', 'apps', 'web');

/**
 * Builds the current web app into a private directory (other browser tests build into
 * dist/apps/web at the same time, emptying it while they do) and copies it into
 * dist/apps/web before the server starts, since the server serves that directory.
 */
export async function buildWebApp(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-admin-web-'));
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, timeout: 150_000 });
  // Copied over (not emptied first): the server reads index.html from there when it starts.
  // A concurrent build may empty the directory under our feet: try again; the browser falls
  // back to our own copy for anything still missing.
  for (let attempt = 1; ; attempt += 1) {
    try {
      fs.mkdirSync(distDir, { recursive: true });
      fs.cpSync(outDir, distDir, { recursive: true, force: true });
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  return outDir;
}

/**
 * Pages and assets come from the real server; only when it cannot answer them (another test
 * rebuilding dist/apps/web at that moment) does the browser get the same files from our own
 * build. The builds are of the same source, so their hashed asset names agree.
 */
export async function fallBackToBuild(context: BrowserContext, base: string, buildDir: string): Promise<void> {
  await context.route(
    (url) => url.href.startsWith(base) && !url.pathname.startsWith('/api/'),
    async (route) => {
      const response = await route.fetch().catch(() => null);
      if (response && response.status() < 400) return route.fulfill({ response });
      const { pathname } = new URL(route.request().url());
      const file = pathname.startsWith('/assets/') ? path.join(buildDir, pathname) : path.join(buildDir, 'index.html');
      if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ path: file });
    },
  );
}
