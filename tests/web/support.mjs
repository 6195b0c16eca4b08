// Fixtures of the browser tests: a fresh sample store, a real `anttmap serve` on a free port, and
// Debian's Chromium driven by playwright-core (installed into the build tree by `npm ci` at build
// time; ANTT_WEB_NODE_MODULES says where). Nothing here reaches beyond 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import http from 'node:http';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function playwright() {
  const modules = process.env.ANTT_WEB_NODE_MODULES;
  if (!modules) throw new Error('set ANTT_WEB_NODE_MODULES to the build tree\'s server/web/node_modules');
  return createRequire(resolve(modules, 'noop.js'))('playwright-core');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** GET/HEAD on the server without following redirects or decoding: {status, headers, body (Buffer)}. */
export function request(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(60000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.end();
  });
}

/**
 * A fresh sample store: a SpatiaLite file in `dir`, or with ANTT_TEST_STORE=postgis a database of the
 * tests' PostgreSQL cluster ($ANTTMAP_TEST_PG), copied from ctest's sample template when there is one.
 * Returns {store (what --db takes), drop()}.
 */
function makeSampleStore(binary, dir) {
  const sample = (store) => {
    const made = spawnSync(binary, ['--db', store, '--quiet', 'sample'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`anttmap sample failed: ${made.stderr}`);
  };
  const kind = process.env.ANTT_TEST_STORE ?? 'spatialite';
  if (kind === 'spatialite') {
    const store = join(dir, 'sample.sqlite');
    sample(store);
    return { store, drop() {} };
  }
  if (kind !== 'postgis') throw new Error(`ANTT_TEST_STORE is spatialite or postgis, not ${kind}`);
  const cluster = process.env.ANTTMAP_TEST_PG;
  if (!cluster) throw new Error('ANTT_TEST_STORE=postgis needs a cluster in ANTTMAP_TEST_PG (scripts/pg-cluster.sh)');
  const psql = (sql) => {
    const done = spawnSync('psql', [cluster, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8' });
    if (done.status !== 0) throw new Error(`psql: ${done.stderr}`);
    return done.stdout.trim();
  };
  const name = `anttmap_web_${randomBytes(6).toString('hex')}`;
  const template = psql("SELECT count(*) FROM pg_database WHERE datname = 'anttmap_sample'") === '1';
  psql(`CREATE DATABASE ${name} TEMPLATE ${template ? 'anttmap_sample' : 'anttmap_template'}`);
  const store = cluster.replace('/postgres?', `/${name}?`);
  if (!template) sample(store);
  return { store, drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export class Server {
  static async start() {
    const binary = process.env.ANTTMAP;
    if (!binary) throw new Error('set ANTTMAP to the anttmap binary');
    const dir = mkdtempSync(join(tmpdir(), 'anttmap-web-'));
    const { store, drop } = makeSampleStore(binary, dir);
    // A leadership key: the viewer as leadership sees it (hotspots, clusters, models too).
    const made = spawnSync(binary, ['--db', store, '--json', 'key', 'add', 'leadership', '--role', 'viewer'],
      { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`anttmap key add failed: ${made.stderr}`);
    const viewerKey = JSON.parse(made.stdout).key;
    const port = await freePort();
    const log = join(dir, 'serve.log');
    const out = openSync(log, 'w');
    const process_ = spawn(binary, ['--db', store, '--quiet', 'serve', '--port', String(port), '--work-dir',
      join(dir, 'work')], { stdio: ['ignore', out, out] });
    const server = new Server(dir, store, drop, port, process_, log, viewerKey);
    const deadline = Date.now() + 180000;
    while (Date.now() < deadline) {
      if (process_.exitCode !== null) throw new Error(`anttmap serve exited: ${readFileSync(log, 'utf8')}`);
      try {
        const answer = await request(`${server.url}/health`);
        if (answer.status === 200) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process_.kill('SIGKILL');
    throw new Error('anttmap serve did not become healthy within 180 s');
  }

  constructor(dir, store, drop, port, process_, log, viewerKey) {
    this.viewerKey = viewerKey;
    this.dir = dir;
    this.store = store;
    this.dropStore = drop;
    this.port = port;
    this.process = process_;
    this.log = log;
    this.url = `http://127.0.0.1:${port}`;
  }

  async json(path) {
    const answer = await request(this.url + path);
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body.toString('utf8'));
  }

  async stop() {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 30000);
      await exited;
      clearTimeout(timer);
    }
    this.dropStore();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A browser page that records what the tests must never see: requests to any other host than the
 * server (aborted), console errors and uncaught exceptions.
 */
export async function openPage(browser, server, { viewport = { width: 800, height: 600 }, storage, key } = {}) {
  const context = await browser.newContext({
    // A key is sent with every request of the page, as a portal's proxy or a signed-in session would.
    extraHTTPHeaders: key ? { Authorization: `Bearer ${key}` } : {},
    viewport,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    storageState: storage,
  });
  const problems = { offsite: [], console: [], exceptions: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.url) return route.continue();
    problems.offsite.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.exceptions.push(String(error)));
  return { context, page, problems };
}

/** Waits until every visible tile of the year is drawn (map.js sets these attributes). */
export async function waitForMap(page, year) {
  await page.waitForFunction(
    (wanted) => document.documentElement.dataset.mapState === 'idle' &&
      (wanted == null || document.documentElement.dataset.mapYear === String(wanted)),
    year ?? null, { timeout: 60000, polling: 100 });
  // rendercomplete fires before the browser has painted the last frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

export function hexToRgb(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/**
 * Counts, in a PNG screenshot, the pixels within `tolerance` (per channel) of each named colour:
 * decoded by the browser itself, so no image library is needed. {total, counts: {name: n}}.
 */
export async function colourCounts(page, png, colours, tolerance = 6) {
  return page.evaluate(async ({ data, colours, tolerance }) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const counts = Object.fromEntries(Object.keys(colours).map((name) => [name, 0]));
    const entries = Object.entries(colours);
    for (let i = 0; i < pixels.length; i += 4) {
      for (const [name, [r, g, b]] of entries) {
        if (Math.abs(pixels[i] - r) <= tolerance && Math.abs(pixels[i + 1] - g) <= tolerance &&
            Math.abs(pixels[i + 2] - b) <= tolerance) {
          counts[name] += 1;
          break;
        }
      }
    }
    return { total: bitmap.width * bitmap.height, counts };
  }, { data: png.toString('base64'), colours, tolerance });
}

/**
 * Compares two PNGs: the share of pixels whose largest channel difference exceeds `threshold`, and
 * a diff image (differences in red over a faded copy). Different sizes count as all different.
 */
export async function pixelDiff(page, actual, reference, threshold = 40) {
  return page.evaluate(async ({ a, b, threshold }) => {
    const decode = async (data) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      return { width: bitmap.width, height: bitmap.height, pixels: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
    };
    const [one, two] = [await decode(a), await decode(b)];
    if (one.width !== two.width || one.height !== two.height) return { share: 1, size: [one.width, one.height, two.width, two.height] };
    const canvas = new OffscreenCanvas(one.width, one.height);
    const context = canvas.getContext('2d');
    const out = context.createImageData(one.width, one.height);
    let differing = 0;
    for (let i = 0; i < one.pixels.length; i += 4) {
      const delta = Math.max(Math.abs(one.pixels[i] - two.pixels[i]), Math.abs(one.pixels[i + 1] - two.pixels[i + 1]),
        Math.abs(one.pixels[i + 2] - two.pixels[i + 2]));
      const grey = 255 - (255 - (one.pixels[i] + one.pixels[i + 1] + one.pixels[i + 2]) / 3) / 4;
      if (delta > threshold) {
        differing += 1;
        out.data.set([255, 0, 0, 255], i);
      } else {
        out.data.set([grey, grey, grey, 255], i);
      }
    }
    context.putImageData(out, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { share: differing / (one.width * one.height), diff: btoa(binary) };
  }, { a: actual.toString('base64'), b: reference.toString('base64'), threshold });
}
