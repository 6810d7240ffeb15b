// How fast the restore page restores, in headless Chromium: for each input,
// a fresh tab, the file given through the page's file input, and the wall
// time until the secrets are shown (median, min, max of RUNS tries); and how
// long the page takes to start (decompress, compile and instantiate its
// WebAssembly). Run with `bash scripts/browser-tests.sh --bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const FIX = process.env.PAGE_FIXTURES;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RUNS = Number(process.env.RUNS || 5);
const PAGE_URL = 'file://' + path.join(FIX, 'restore.html');
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND',
];

const cases = [
  ['A4 sheet, 300 dpi PNG (2480x3508)', ['exchange-1.png'], null],
  ['A4 sheet, 300 dpi JPEG', ['exchange-300.jpg'], null],
  ['blurred, rotated 200 dpi scan (JPEG)', ['exchange-scan.jpg'], null],
  ['the sheet PDF, 2 pages rendered at 300 dpi', ['exchange.pdf'], null],
  // (These include puppeteer typing the passphrase, about 30 keystrokes.)
  ['encrypted sheet, 300 dpi PNG, scrypt 2^14 (as in the tests)', ['locked-1.png'], 'pass.txt'],
  ['encrypted sheet, 300 dpi PNG, default scrypt work factor', ['locked-default-1.png'], 'pass.txt'],
];

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]} ms (min ${s[0]}, max ${s[s.length - 1]}, ${s.length} runs)`;
};

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperseed-bench-'));
const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, userDataDir, args: FLAGS });
console.log(`${(await browser.version())}; page ${fs.statSync(path.join(FIX, 'restore.html')).size} bytes`);
try {
  const starts = [];
  for (const [name, files, pass] of cases) {
    if (!files.every((f) => fs.existsSync(path.join(FIX, f)))) continue;
    const times = [];
    const inPage = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      const t0 = Date.now();
      await page.goto(PAGE_URL, { waitUntil: 'load' });
      await page.waitForFunction(() => document.body.dataset.busy === '0', { timeout: 60000 });
      starts.push(Date.now() - t0);
      const input = await page.$('#files');
      const t = Date.now();
      await input.uploadFile(...files.map((f) => path.join(FIX, f)));
      if (pass) {
        await page.waitForFunction(() => document.body.dataset.outcome === 'need_passphrase', { timeout: 60000 });
        await page.type('#passphrase', fs.readFileSync(path.join(FIX, pass), 'utf8').trim());
        await page.click('#passphrase-open');
      }
      await page.waitForFunction(() => document.body.dataset.outcome === 'restored' && document.body.dataset.busy === '0', { timeout: 120000 });
      times.push(Date.now() - t);
      inPage.push(Number(await page.evaluate(() => document.querySelector('#files-read li').dataset.ms)));
      await page.close();
    }
    console.log(`${name}: ${stats(times)}; reading the file in the page ${stats(inPage)}`);
  }
  console.log(`page start (load, decompress, compile, instantiate): ${stats(starts)}`);
} finally {
  await browser.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
