import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { prepareWebApp, webBuildInputs } from './web-build';

const repo = path.resolve(import.meta.dirname, '../../../..');
const log = createLogger({ log: { level: 'silent', pretty: false } });
const roots: string[] = [];

/** A checkout of its own: the real web sources (or a broken Vite config), this checkout's node_modules. */
function checkout({ brokenConfig = false } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailstead-web-build-'));
  roots.push(root);
  fs.cpSync(path.join(repo, 'apps/web'), path.join(root, 'apps/web'), { recursive: true });
  for (const input of webBuildInputs(repo).filter((p) => p.startsWith('libs/'))) {
    const project = path.dirname(input);
    fs.cpSync(path.join(repo, project), path.join(root, project), { recursive: true });
  }
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(root, 'package.json'));
  fs.copyFileSync(path.join(repo, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  if (brokenConfig) fs.writeFileSync(path.join(root, 'apps/web/vite.config.ts'), "throw new Error('broken on purpose');\n");
  return root;
}

function previousBuild(root: string, mtime: Date): string {
  const dist = path.join(root, 'dist/apps/web');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><p>previous build</p>');
  fs.writeFileSync(path.join(dist, 'assets', 'gone-1234.js'), '');
  fs.utimesSync(path.join(dist, 'index.html'), mtime, mtime);
  return dist;
}

afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

describe('the web app npm start serves', () => {
  it('is built when dist/apps/web is missing', async () => {
    const root = checkout();
    const web = await prepareWebApp(log, root);
    expect(web).toEqual({ dir: path.join(root, 'dist/apps/web') });
    expect(fs.readFileSync(path.join(root, 'dist/apps/web/index.html'), 'utf8')).toMatch(/<script type="module"[^>]+src="\/assets\//);
    expect(fs.readdirSync(path.join(root, 'dist/apps')).filter((name) => name !== 'web')).toEqual([]); // no build directory left behind
  }, 120_000);

  it('is rebuilt when its sources are newer, and what the new build lacks is removed', async () => {
    const root = checkout();
    const dist = previousBuild(root, new Date(Date.now() - 3_600_000));
    expect(await prepareWebApp(log, root)).toEqual({ dir: dist });
    expect(fs.readFileSync(path.join(dist, 'index.html'), 'utf8')).not.toContain('previous build');
    expect(fs.existsSync(path.join(dist, 'assets', 'gone-1234.js'))).toBe(false);
  }, 120_000);

  it('follows the web app and the shared libs it may import', () => {
    expect(webBuildInputs(repo)).toEqual(expect.arrayContaining(['apps/web/src', 'libs/contracts/src', 'libs/html-policy/src']));
    expect(webBuildInputs(repo)).not.toContain('libs/store/src');
  });

  it('is left alone when it is newer than every source', async () => {
    const root = checkout({ brokenConfig: true }); // a build would fail
    const dist = previousBuild(root, new Date(Date.now() + 60_000));
    expect(await prepareWebApp(log, root)).toEqual({ dir: dist });
    expect(fs.readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('previous build');
  });

  it('says why when the build fails, and keeps serving the previous build if there is one', async () => {
    const root = checkout({ brokenConfig: true });
    const none = await prepareWebApp(log, root);
    expect(none.dir).toBeUndefined();
    expect(none.problem).toMatch(/^the web app could not be built \(vite build exited with 1: .*broken on purpose/);

    const dist = previousBuild(root, new Date(Date.now() - 3_600_000));
    const stale = await prepareWebApp(log, root);
    expect(stale.dir).toBe(dist);
    expect(stale.problem).toMatch(/could not be rebuilt .*; serving the previous build$/);
    expect(fs.readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('previous build');
  }, 60_000);
});
