// The restore page in the other browser engines, from file://: Firefox
// (Debian's firefox-esr, through puppeteer-core's WebDriver BiDi) and WebKit
// (WebKitGTK's MiniBrowser through WebKitWebDriver, the engine of Safari; the
// WebDriver server listens on loopback only). Each opens the page, gives it a
// scan through its file input and must show what `paperseed restore --json`
// gives, without errors. The full cases run in Chromium
// (restore-page.test.mjs). Run by scripts/browser-tests.sh under xvfb-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const FIX = process.env.PAGE_FIXTURES;
const BIN = process.env.PAPERSEED_BIN;
if (!FIX || !BIN) throw new Error('run through scripts/browser-tests.sh (PAGE_FIXTURES and PAPERSEED_BIN are unset)');
const PAGE_URL = 'file://' + path.join(FIX, 'restore.html');
const SCAN = path.join(FIX, 'exchange-scan.jpg');
const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function expected() {
  const r = spawnSync(BIN, ['restore', SCAN, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertShows(shown, json) {
  assert.ok(shown.includes('Fingerprint ' + json.fingerprint), shown);
  for (const s of json.secrets) {
    for (const w of s.codes || []) assert.ok(shown.includes(w), w);
    if (s.uri) assert.ok(shown.includes('URI      ' + s.uri), s.uri);
    for (const line of (s.text || '').split('\n')) assert.ok(shown.includes(line), line);
  }
  assert.ok(!shown.includes('\u27e8U+'), 'no invisible-character marker belongs here');
}

test('Firefox: the page restores a scan from file://', async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'paperseed-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr', headless: true, userDataDir: profile,
    // No way out: a proxy on a closed local port for everything.
    extraPrefsFirefox: {
      'network.proxy.type': 1, 'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': 9, 'network.dns.disabled': true,
    },
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    const requests = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(PAGE_URL, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.busy === '0', { timeout: 60000 });
    const input = await page.$('#files');
    await input.uploadFile(SCAN);
    await page.waitForFunction(() => document.body.dataset.outcome === 'restored' && document.body.dataset.busy === '0', { timeout: 60000 });
    assertShows(await page.evaluate(() => document.body.innerText), expected());
    assert.deepEqual(errors, []);
    // Only the page, and data: URLs Firefox makes for itself.
    assert.deepEqual(requests.filter((u) => u !== PAGE_URL && !u.startsWith('data:')), []);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});

test('WebKit (WebKitGTK, the engine of Safari): the page restores a scan from file://', async () => {
  const port = 4400 + Math.floor(Math.random() * 500);
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  async function wd(method, url, body) {
    const r = await fetch(base + url, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const j = await r.json();
    if (j.value && j.value.error) throw new Error(`${url}: ${JSON.stringify(j.value)}`);
    return j.value;
  }
  let id = null;
  try {
    for (let i = 0; ; i++) {
      try { await wd('GET', '/status'); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
    }
    const session = await wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    id = session.sessionId;
    const js = (script) => wd('POST', `/session/${id}/execute/sync`, { script, args: [] });
    const until = async (script) => {
      for (const start = Date.now(); !(await js(script));) {
        if (Date.now() - start > 60000) throw new Error(`timeout: ${script}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await wd('POST', `/session/${id}/url`, { url: PAGE_URL });
    await until("return document.body.dataset.busy === '0'");
    assert.notEqual(await js('return document.body.dataset.outcome'), 'broken', await js('return document.body.innerText'));
    const input = await wd('POST', `/session/${id}/element`, { using: 'css selector', value: '#files' });
    await wd('POST', `/session/${id}/element/${Object.values(input)[0]}/value`, { text: SCAN });
    await until("return document.body.dataset.outcome === 'restored' && document.body.dataset.busy === '0'");
    assertShows(await js('return document.body.innerText'), expected());
    assert.deepEqual(await js("return performance.getEntriesByType('resource').map((e) => e.name)"), []);
  } finally {
    if (id) await wd('DELETE', `/session/${id}`).catch(() => {});
    driver.kill();
  }
});
