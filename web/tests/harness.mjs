// What the browser tests and the browser benchmark share: command-line arguments, a static
// server that behaves like GitHub Pages (the site under a sub-path; unknown paths get 404.html
// with status 404), and headless Chromium pages that record console errors.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** `--key value` pairs from the command line. */
export const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json' };

function serveFile(res, file, status = 200) {
  res.writeHead(status, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
}

/** Serves `site` under `base` on a free port; returns `at(path)`, the URL of a page. */
export async function serveSite(site, base) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    if (pathname === base.replace(/\/$/, '')) {
      res.writeHead(301, { location: base });
      return res.end();
    }
    if (pathname.startsWith(base)) {
      const rel = path.normalize(pathname.slice(base.length)).replace(/^(\.\.[/\\])+/, '');
      let file = path.join(site, rel);
      if (file.startsWith(site) && fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (file.startsWith(site) && fs.existsSync(file) && fs.statSync(file).isFile()) return serveFile(res, file);
      // As GitHub Pages does: /nimbus/sqs is answered with sqs.html (status 200, no redirect).
      const page = `${file}.html`;
      if (!rel.endsWith('/') && page.startsWith(site) && fs.existsSync(page) && fs.statSync(page).isFile()) return serveFile(res, page);
    }
    serveFile(res, path.join(site, '404.html'), 404);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, at: (p = '') => `${origin}${base}${p}` };
}

/** Headless Chromium from `executablePath`. */
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Whether `url` names an app route (served as 404.html) rather than a file. */
function isRoute(url) {
  try {
    return !/\.[a-z0-9]+$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** A fresh page that records console errors and uncaught exceptions in `page.errors`. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // GitHub Pages answers an unknown path (and /sqs/) with 404.html *and status 404*; Chromium
    // reports that status for the document itself. That is the hosting model, not an app error.
    const where = msg.location()?.url ?? '';
    // The same holds for embedded frames: any route (a path without a file extension).
    if (/status of 404/.test(msg.text()) && (where === page.url() || where === '' || isRoute(where))) return;
    page.errors.push(msg.text());
  });
  page.on('pageerror', (err) => page.errors.push(String(err)));
  return page;
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * How many message tokens match `sel` (default: all). A crowded lane draws its half-size tokens as
 * one batch (`g.token-batch`, their number in `data-count`); other tokens are one `g` each.
 */
export function tokenCount(page, sel = 'g.sqs-token') {
  return page.evaluate(
    (s) => [...document.querySelectorAll(s)].reduce((n, g) => n + (g.classList.contains('token-batch') ? Number(g.dataset.count) : 1), 0),
    sel,
  );
}

/** Clicks the first token matching `sel`, drawn on its own or in a batch. */
export async function clickToken(page, sel) {
  const at = await page.evaluate((s) => {
    const g = document.querySelector(s);
    if (!g) return null;
    const batch = g.classList.contains('token-batch');
    const shape = g.querySelector(batch ? 'path' : 'rect');
    g.scrollIntoView({ block: 'center' });
    // A batch's path starts each token with "M x y" at its top edge, 4 units in from the left.
    const m = batch ? shape.getAttribute('d').match(/M([\d.-]+) ([\d.-]+)/) : null;
    const point = batch ? new DOMPoint(Number(m[1]) + 2, Number(m[2]) + 5) : new DOMPoint(6, 6);
    const p = point.matrixTransform(shape.getScreenCTM());
    return { x: p.x, y: p.y };
  }, sel);
  assert(at, `no token ${sel} to click`);
  await page.mouse.click(at.x, at.y);
}
