// The restore page (`paperseed restore-page`) in headless Chromium, opened
// from file:// with the network off: every case gives it files through its
// <input type=file> (or typed text, or the fake camera) and checks what the
// page shows against `paperseed restore --json` on the same inputs. No case
// may make a network request. Run by scripts/browser-tests.sh, which makes
// the fixtures (PAGE_FIXTURES) and names the binary (PAPERSEED_BIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const FIX = process.env.PAGE_FIXTURES;
const BIN = process.env.PAPERSEED_BIN;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!FIX || !BIN) throw new Error('run through scripts/browser-tests.sh (PAGE_FIXTURES and PAPERSEED_BIN are unset)');
const PAGE = path.join(FIX, 'restore.html');
const PAGE_URL = 'file://' + PAGE;
const fx = (name) => path.join(FIX, name);
// A fixed clock for the page and the CLI alike: 2026-01-02T00:00:10Z.
const NOW_MS = 1767312010000;
const NOW_RFC3339 = '2026-01-02T00:00:10Z';
// The flags GUIDE.md gives for driving Chromium as root, and no way out:
// names resolve to nothing, and a proxy on a closed local port.
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
];

async function launch(extra = []) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperseed-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true, userDataDir, args: [...FLAGS, ...extra],
  });
  return { browser, userDataDir };
}

let main;
before(async () => { main = await launch(); });
after(async () => {
  await main.browser.close();
  fs.rmSync(main.userDataDir, { recursive: true, force: true });
});

// Open the page in a new tab with its clock fixed; every request is recorded.
async function open(browser) {
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => requests.push(e.request.url));
  await page.evaluateOnNewDocument((now) => {
    Date.now = () => now;
    // Anything the Content-Security-Policy had to stop: the page must not even try.
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  }, NOW_MS);
  await page.goto(PAGE_URL, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.busy === '0', { timeout: 60000 });
  const broken = await page.evaluate(() => document.body.dataset.outcome);
  assert.notEqual(broken, 'broken', await text(page));
  return { page, requests, errors, cdp };
}

// Nothing but the page itself was loaded; nothing went wrong in it.
async function close(t) {
  const others = t.requests.filter((u) => u !== PAGE_URL);
  assert.deepEqual(others, [], 'the page made requests');
  const resources = await t.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.deepEqual(resources, [], 'the page loaded resources');
  assert.deepEqual(await t.page.evaluate(() => window.__violations), [], 'the page tried what its CSP forbids');
  assert.deepEqual(t.errors, [], 'errors in the page');
  await t.page.close();
}

async function runs(page) { return Number(await page.evaluate(() => document.body.dataset.runs || '0')); }

// Wait until the page finished what an action started.
async function settle(page, before) {
  await page.waitForFunction(
    (n) => Number(document.body.dataset.runs || '0') > n && document.body.dataset.busy === '0',
    { timeout: 120000 }, before,
  );
}

async function upload(page, ...files) {
  const before = await runs(page);
  const input = await page.$('#files');
  await input.uploadFile(...files.map(fx));
  await settle(page, before);
}

const text = (page) => page.evaluate(() => document.body.innerText);
const outcome = (page) => page.evaluate(() => document.body.dataset.outcome);

function cli(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function restoreJson(args, input) {
  const r = cli(['restore', ...args, '--json'], input);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// What the page shows for a text: characters a person cannot see as markers.
const INVISIBLE = /(?!\n)[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0\u034F\u180B-\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
const visible = (s) => s.replace(INVISIBLE, (c) => '\u27e8U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '\u27e9');

// Every secret `paperseed restore --json` gives is on the page, as it shows them.
function assertShows(shown, json) {
  assert.ok(shown.includes('Fingerprint ' + json.fingerprint), `fingerprint ${json.fingerprint} not shown:\n${shown}`);
  assert.ok(shown.includes(visible(json.title)), `title ${json.title}`);
  for (const s of json.secrets) {
    assert.ok(shown.includes(visible(s.label)), `label ${s.label}`);
    const want = {
      'backup-codes': () => s.codes,
      totp: () => ['URI      ' + s.uri],
      hotp: () => ['URI      ' + s.uri],
      mnemonic: () => s.words.split(' '),
      note: () => s.text.split('\n').filter((l) => l !== ''),
      file: () => [`${s.name}, ${s.size} bytes`],
    }[s.type]();
    for (const w of want) assert.ok(shown.includes(visible(w)), `${s.type} ${s.label}: ${JSON.stringify(w)} not shown`);
  }
  // The emergency guide: every field `restore --json` gives.
  for (const [key, value] of Object.entries(json.emergency || {})) {
    for (const line of [].concat(value)) assert.ok(shown.includes(visible(line)), `emergency ${key}: ${line}`);
  }
  for (const raw of ['\u202e', '\u200b', '\u2066']) assert.ok(!shown.includes(raw), 'an invisible character is shown raw');
  // Markers only where the secrets hold invisible characters.
  const markers = (x) => (x.match(/\u27e8U\+[0-9A-F]{4,6}\u27e9/g) || []).length;
  if (markers(visible(JSON.stringify(json))) === 0) assert.equal(markers(shown), 0, `a marker where none belongs:\n${shown}`);
}

test('rendered sheets of every sample restore as the CLI restores them', async () => {
  for (const name of ['exchange', 'bip39', 'keyfile']) {
    // Every page of the sheet, in reverse order (pages in any order).
    const files = fs.readdirSync(FIX).filter((f) => new RegExp(`^${name}-\\d+\\.png$`).test(f)).sort().reverse();
    assert.ok(files.length >= 1, name);
    const t = await open(main.browser);
    await upload(t.page, ...files);
    assert.equal(await outcome(t.page), 'restored', `${name}: ${await text(t.page)}`);
    assertShows(await text(t.page), restoreJson(files.map(fx)));
    await close(t);
  }
});

test('a blurred 200 dpi scan, and page 1 alone', async () => {
  for (const files of [['exchange-scan.jpg'], ['exchange-1.png']]) {
    const t = await open(main.browser);
    await upload(t.page, ...files);
    assert.equal(await outcome(t.page), 'restored', await text(t.page));
    const shown = await text(t.page);
    assertShows(shown, restoreJson(files.map(fx)));
    // As many codes as `verify` reads, and the same k.
    const v = JSON.parse(cli(['verify', ...files.map(fx), '--json']).stdout).sets[0];
    assert.ok(shown.includes(`${v.readable} codes of this backup read, any ${v.k} restore`), `${JSON.stringify(v)}\n${shown}`);
    await close(t);
  }
});

test('codes add up across files: half a sheet, then the other half', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'exchange-top.pgm');
  assert.equal(await outcome(t.page), 'incomplete', await text(t.page));
  let shown = await text(t.page);
  assert.match(shown, /codes? of this backup read, any \d+ restore: \d+ more needed/);
  // The CLI says the same of the same half.
  const half = cli(['restore', fx('exchange-top.pgm')]);
  assert.equal(half.status, 1);
  const said = half.stderr.split('\n').find((l) => l.includes('codes read'));
  assert.ok(said && shown.includes(said.replace(/^paperseed: /, '').replace(/\.$/, '')), `${said}\n${shown}`);
  await upload(t.page, 'exchange-bottom.pgm');
  assert.equal(await outcome(t.page), 'restored', await text(t.page));
  assertShows(await text(t.page), restoreJson([fx('exchange-1.png')]));
  await close(t);
});

test('typed recovery text with a line missing and a typo, checked line by line', async () => {
  const typed = fs.readFileSync(fx('typed.txt'), 'utf8');
  const t = await open(main.browser);
  const before = await runs(t.page);
  await t.page.type('#typed', typed);
  await settle(t.page, before);
  assert.equal(await outcome(t.page), 'restored', await text(t.page));
  const shown = await text(t.page);
  // The typo is named as `restore --type` names it.
  const cliRun = cli(['restore', '--type', '--json'], typed);
  assert.equal(cliRun.status, 0, cliRun.stderr);
  const m = cliRun.stderr.match(/^(line \d+) \("[^"]*"\): (.*)\. Skipped\.$/m);
  assert.ok(m, cliRun.stderr);
  assert.ok(shown.includes(`${m[1]}: ${m[2]}. Type it again, or skip it.`), `${m[0]}\n${shown}`);
  assertShows(shown, JSON.parse(cliRun.stdout));
  await close(t);
});

test('an encrypted sheet: a wrong passphrase is refused, the right one opens it', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'locked-1.png');
  assert.equal(await outcome(t.page), 'need_passphrase', await text(t.page));
  assert.ok(await t.page.$eval('#passphrase-box', (e) => !e.hidden));
  for (const [pass, want] of [['not the passphrase', 'wrong_passphrase'], [fs.readFileSync(fx('pass.txt'), 'utf8').trim(), 'restored']]) {
    const before = await runs(t.page);
    await t.page.type('#passphrase', pass);
    await t.page.click('#passphrase-open');
    await settle(t.page, before);
    assert.equal(await outcome(t.page), want, await text(t.page));
  }
  const wrong = cli(['restore', fx('locked-1.png'), '--passphrase-file', '-'], 'not the passphrase\n');
  assert.equal(wrong.status, 1);
  // (The message of the wrong try was replaced by the result; the CLI's wording was checked in web/ unit tests.)
  assert.match(wrong.stderr, /wrong passphrase/);
  assertShows(await text(t.page), restoreJson([fx('locked-1.png'), '--passphrase-file', fx('pass.txt')]));
  // The passphrase is not kept in the field.
  assert.equal(await t.page.$eval('#passphrase', (e) => e.value), '');
  await close(t);
});

test('a wrong passphrase says so as the CLI does', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'locked-1.png');
  const before = await runs(t.page);
  await t.page.type('#passphrase', 'not the passphrase');
  await t.page.keyboard.press('Enter');
  await settle(t.page, before);
  assert.equal(await outcome(t.page), 'wrong_passphrase');
  const wrong = cli(['restore', fx('locked-1.png'), '--passphrase-file', '-'], 'not the passphrase\n');
  const said = wrong.stderr.trim().replace(/^paperseed: /, '');
  assert.ok((await text(t.page)).includes(said), `${said}\n${await text(t.page)}`);
  await close(t);
});

test('two of three share sheets: the first says whom to ask, both restore', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'share1-1.png');
  assert.equal(await outcome(t.page), 'incomplete', await text(t.page));
  const one = cli(['restore', fx('share1-1.png')]);
  assert.equal(one.status, 1);
  const said = one.stderr.split('\n').find((l) => l.includes('needed')).replace(/^paperseed: /, '');
  assert.match(said, /bring 1 more of: share 2, holder: parents; share 3, holder: attorney/);
  const shown = await text(t.page);
  assert.ok(shown.includes(said), `${said}\n${shown}`);
  assert.match(shown, /share 1 of 3, holder: spouse/);
  await upload(t.page, 'share3-1.png');
  assert.equal(await outcome(t.page), 'restored', await text(t.page));
  assertShows(await text(t.page), restoreJson([fx('share1-1.png'), fx('share3-1.png')]));
  await close(t);
});

test('invisible characters are shown as markers; current codes, the enrolment QR, the file and the guide', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'unusual-1.png');
  assert.equal(await outcome(t.page), 'restored', await text(t.page));
  const shown = await text(t.page);
  const json = restoreJson([fx('unusual-1.png')]);
  assertShows(shown, json);
  assert.ok(shown.includes('\u27e8U+202E\u27e9') && shown.includes('\u27e8U+200B\u27e9'), shown);
  // The current code, as `restore --totp-now` gives it at the same time.
  const now = cli(['restore', fx('unusual-1.png'), '--totp-now', '--at', NOW_RFC3339]);
  const code = now.stdout.match(/: (\d{6,8}) \(valid for (\d+) s more\)/);
  assert.ok(code, now.stdout);
  assert.ok(shown.includes(`Current code: ${code[1]} (valid for ${code[2]} s more)`), shown);
  // The emergency guide, with what the manifest gave.
  const toml = cli(['restore', fx('unusual-1.png'), '--format', 'toml']).stdout;
  assert.match(shown, /Emergency guide/);
  for (const value of ['+44 20 7946 0958', 'Never share these codes']) {
    assert.ok(toml.includes(value) && shown.includes(value), value);
  }
  // The enrolment QR code decodes (zbarimg) to the key's URI.
  const totp = json.secrets.find((s) => s.type === 'totp');
  const before = await runs(t.page);
  const [button] = await t.page.$$('xpath/.//button[contains(., "enrol a new phone")]');
  await button.click();
  await settle(t.page, before);
  const canvas = await t.page.$('canvas.qr');
  const png = path.join(FIX, 'qr-shot.png');
  await canvas.screenshot({ path: png });
  const z = spawnSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' });
  assert.equal(z.stdout.trim(), totp.uri, z.stderr);
  // The embedded file saves with its name and bytes.
  const file = json.secrets.find((s) => s.type === 'file');
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'paperseed-dl-'));
  await t.cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  const [save] = await t.page.$$('xpath/.//button[starts-with(., "Save ")]');
  await save.click();
  const target = path.join(downloads, file.name);
  for (let i = 0; i < 100 && !fs.existsSync(target); i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(fs.readFileSync(target), Buffer.from(file.base64, 'base64'));
  fs.rmSync(downloads, { recursive: true, force: true });
  await close(t);
});

test('Clear forgets everything', async () => {
  const t = await open(main.browser);
  await upload(t.page, 'exchange-scan.jpg');
  assert.equal(await outcome(t.page), 'restored');
  const entries = await t.page.evaluate(() => history.length);
  const before = await runs(t.page);
  await t.page.click('#clear');
  await settle(t.page, before);
  const shown = await text(t.page);
  const json = restoreJson([fx('exchange-scan.jpg')]);
  assert.ok(!shown.includes(json.fingerprint) && !shown.includes(json.secrets[0].codes[0]), shown);
  assert.equal(await outcome(t.page), '');
  // Nothing stored anywhere.
  const stored = await t.page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie, history.length]);
  assert.deepEqual(stored, [0, 0, '', entries]);
  // And it restores again afterwards.
  await upload(t.page, 'exchange-scan.jpg');
  assert.equal(await outcome(t.page), 'restored');
  await close(t);
});

test('the camera: codes of several frames add up to the backup', async () => {
  const cam = await launch([
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${fx('camera.y4m')}`,
  ]);
  try {
    const t = await open(cam.browser);
    assert.ok(!(await text(t.page)).includes('Stop the camera'), 'a hidden button shows');
    await t.page.click('#camera-start');
    await t.page.waitForFunction(() => document.body.dataset.outcome === 'restored', { timeout: 120000 });
    const shown = await text(t.page);
    assertShows(shown, restoreJson([fx('exchange-1.png')]));
    // Stopped by itself once restored.
    assert.ok(await t.page.$eval('#camera', (e) => e.hidden));
    const frames = await t.page.evaluate(() => Number(document.body.dataset.frames || '0'));
    assert.ok(frames > 1, `restored from ${frames} frame(s)`);
    await close(t);
  } finally {
    await cam.browser.close();
    fs.rmSync(cam.userDataDir, { recursive: true, force: true });
  }
});
