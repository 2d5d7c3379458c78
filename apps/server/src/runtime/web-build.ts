import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from './logger';
import { builtWebApp, type WebApp } from './web-static';

const VITE_CONFIG = 'apps/web/vite.config.ts';

/**
 * What the web build reads, relative to the checkout: the web app, and the libs it may import
 * (the lint lets apps/web use only libs tagged scope:shared, which vite.config.ts aliases into
 * the bundle). Changes to package.json are not followed.
 */
export function webBuildInputs(root: string): string[] {
  const shared = fs
    .readdirSync(path.join(root, 'libs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .filter((entry) => {
      const project = path.join(root, 'libs', entry.name, 'project.json');
      return fs.existsSync(project) && ((JSON.parse(fs.readFileSync(project, 'utf8')) as { tags?: string[] }).tags?.includes('scope:shared') ?? false);
    })
    .map((entry) => `libs/${entry.name}/src`);
  return ['apps/web/index.html', VITE_CONFIG, 'apps/web/src', 'tsconfig.base.json', ...shared];
}
const BUILD_TIMEOUT_MS = 150_000;

/** The checkout this process runs from, when its web sources are there (not in the Docker image's pruned tree). */
function sourceRoot(): string | undefined {
  for (let dir = import.meta.dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, VITE_CONFIG))) return dir;
  }
  return undefined;
}

/** Newest modification time among the build's inputs; tests beside the code do not count. */
function newestInput(root: string): number {
  let newest = 0;
  const visit = (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file)) visit(path.join(file, name));
    } else if (!/\.spec\.tsx?$/.test(file)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const input of webBuildInputs(root)) visit(path.join(root, input));
  return newest;
}

function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(dir, relative) : [relative];
  });
}

/** The few lines of Vite's output that say what went wrong, without stack traces. */
function buildError(output: string): string {
  const afterHeading = output.includes('error during build:') ? output.slice(output.indexOf('error during build:') + 'error during build:'.length) : output;
  const lines = afterHeading
    .split('\n')
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim())
    .filter((line) => line && !/^(at |\d+: |Stack backtrace|errors: |[{}[\]]+$)/.test(line));
  return (afterHeading === output ? lines.slice(-3) : lines.slice(0, 3)).join(' / ');
}

function runVite(root: string, outDir: string): Promise<void> {
  let vite: string;
  try {
    vite = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return Promise.reject(new Error('vite is not installed (run npm ci)'));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', VITE_CONFIG, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: BUILD_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      const last = buildError(output);
      reject(new Error(`vite build ${signal ? `was stopped (${signal})` : `exited with ${code}`}${last ? `: ${last}` : ''}`));
    });
  });
}

/**
 * Builds into a private directory, then copies into dist/apps/web with index.html last and
 * removes what the new build no longer has. Nothing is emptied first, so a server or test
 * reading dist/apps/web meanwhile never finds it missing (builds of the same sources agree
 * on their hashed asset names).
 */
async function build(root: string, dist: string): Promise<void> {
  fs.mkdirSync(path.dirname(dist), { recursive: true });
  const outDir = fs.mkdtempSync(path.join(path.dirname(dist), '.web-build-'));
  try {
    await runVite(root, outDir);
    const files = filesUnder(outDir);
    if (!files.includes('index.html')) throw new Error('vite build wrote no index.html');
    for (const file of files.filter((f) => f !== 'index.html')) {
      fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
      fs.copyFileSync(path.join(outDir, file), path.join(dist, file));
    }
    fs.copyFileSync(path.join(outDir, 'index.html'), path.join(outDir, 'index.html.next'));
    fs.renameSync(path.join(outDir, 'index.html.next'), path.join(dist, 'index.html'));
    const kept = new Set(files);
    for (const file of filesUnder(dist)) if (!kept.has(file)) fs.rmSync(path.join(dist, file), { force: true });
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The web app `npm start` serves: built with Vite first when dist/apps/web is missing or older
 * than its sources, so a fresh clone serves /mail and /admin. Never throws: a failed build
 * leaves the previous one served (or none), with the reason in `problem` for the banner and
 * /api/health. Without sources (the Docker image) it serves what was built into the image.
 */
export async function prepareWebApp(log: Logger, root = sourceRoot()): Promise<WebApp> {
  if (!root) return builtWebApp();
  const dist = path.join(root, 'dist', 'apps', 'web');
  const builtAt = fs.statSync(path.join(dist, 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
  if (builtAt !== undefined && builtAt >= newestInput(root)) return { dir: dist };
  const started = performance.now();
  log.info(builtAt === undefined ? 'building the web app (dist/apps/web is missing)' : 'rebuilding the web app (its sources are newer than dist/apps/web)');
  try {
    await build(root, dist);
    log.info({ ms: Math.round(performance.now() - started) }, 'built the web app');
    return { dir: dist };
  } catch (error) {
    const reason = (error as Error).message;
    log.error({ err: error }, 'the web app could not be built');
    if (builtAt !== undefined) return { dir: dist, problem: `the web app could not be rebuilt (${reason}); serving the previous build` };
    return { problem: `the web app could not be built (${reason})` };
  }
}
