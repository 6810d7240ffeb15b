// paperseed restore page: the page and the camera. Every decision about the
// format is the library's, compiled to WebAssembly (web/src/): this script
// holds what was gathered so far, calls the module, and shows its answers.
// Nothing is stored (no storage, cookies or history entries) and nothing is
// fetched: the Content-Security-Policy forbids connections.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // ---- the WebAssembly module -------------------------------------------
  let module = null;   // compiled once
  let inst = null;     // a fresh instance after a trap and after Clear
  let info = {};       // program name, limits

  async function wasmBytes() {
    const b64 = $('wasm').textContent.replace(/\s+/g, '');
    const bin = atob(b64);
    const gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
    if (typeof DecompressionStream !== 'function') {
      throw new Error('this browser is too old to open the page (it lacks DecompressionStream): use a current Chromium, Firefox or Safari');
    }
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  const imports = {
    env: {
      // Random bytes for the module (web/src/random.rs).
      ps_random(ptr, len) {
        try {
          const view = new Uint8Array(inst.exports.memory.buffer, ptr >>> 0, len >>> 0);
          for (let o = 0; o < view.length; o += 65536) crypto.getRandomValues(view.subarray(o, o + 65536));
          return 0;
        } catch (e) {
          return 1;
        }
      },
      // Milliseconds, for the `instant` crate (parking_lot's timeouts).
      now() { return performance.now(); },
    },
  };

  async function instantiate() {
    if (inst) wipe();
    inst = await WebAssembly.instantiate(module, imports);
  }

  // Zero the module's memory: it may hold secrets.
  function wipe() {
    try { new Uint8Array(inst.exports.memory.buffer).fill(0); } catch (e) { /* already gone */ }
    inst = null;
  }

  function put(ex, bytes) {
    if (!bytes || bytes.length === 0) return [0, 0];
    const p = ex.ps_alloc(bytes.length) >>> 0;
    new Uint8Array(ex.memory.buffer, p, bytes.length).set(bytes);
    return [p, bytes.length];
  }

  // One request to the module: JSON in, JSON out (web/src/lib.rs).
  async function call(request, data) {
    const ex = inst.exports;
    const req = enc.encode(JSON.stringify(request));
    let out;
    try {
      const [rp, rl] = put(ex, req);
      const [dp, dl] = put(ex, data);
      out = ex.ps_call(rp, rl, dp, dl) >>> 0;
    } catch (e) {
      // A panic aborts on WebAssembly: start a fresh instance, keep the page's state.
      req.fill(0);
      await instantiate();
      return { error: 'paperseed stopped while reading this (' + e.message + ') and was restarted; nothing gathered so far is lost', hint: 'try another photo or scan of the same page' };
    }
    req.fill(0);
    const len = new DataView(ex.memory.buffer).getUint32(out, true);
    const bytes = new Uint8Array(ex.memory.buffer, out + 4, len).slice();
    ex.ps_free(out, len + 4);
    const text = dec.decode(bytes);
    bytes.fill(0);
    return JSON.parse(text);
  }

  // ---- what has been gathered -------------------------------------------
  let scanned = { codes: [], lines: [], pages: 0 };  // from files and the camera
  let typed = { lines: [], words: [] };               // from the text box
  let passphrase = null;
  let chosen = null;                                  // --set
  let busy = 0;
  let otpTimer = null;
  let camera = null;

  function soFar() {
    return { codes: scanned.codes, lines: scanned.lines.concat(typed.lines), words: typed.words, pages: scanned.pages };
  }
  function scannedSoFar() {
    return { codes: scanned.codes, lines: scanned.lines, words: [], pages: scanned.pages };
  }

  function setBusy(delta) {
    busy += delta;
    document.body.dataset.busy = busy > 0 ? '1' : '0';
  }
  const paint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

  // ---- showing text: characters a person cannot see are shown, never raw --
  // (Line breaks excepted: the library never puts one in a single-line field.)
  const INVISIBLE = /(?!\n)[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u115F\u1160\u3164\uFFA0\u034F\u180B-\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
  function codePoint(c) {
    return 'U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
  }
  // Append `text` to `el`, each invisible character as a visible marker.
  function show(el, text) {
    let run = '';
    for (const c of String(text)) {
      if (INVISIBLE.test(c)) {
        if (run) { el.append(run); run = ''; }
        const s = document.createElement('span');
        s.className = 'invisible';
        s.title = 'an invisible character (' + codePoint(c) + ') is here';
        s.textContent = '\u27e8' + codePoint(c) + '\u27e9';
        el.append(s);
      } else {
        run += c;
      }
    }
    if (run) el.append(run);
    return el;
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) show(e, text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function message(m, hint) {
    const p = el('p', m);
    if (hint) p.append(el('span', ' Hint: ' + hint, 'hint'));
    return p;
  }
  function problemBox(m, hint) {
    const d = el('div', null, 'problem');
    d.append(message(m, hint));
    return d;
  }

  // ---- files ---------------------------------------------------------------
  async function readFiles(files) {
    setBusy(1);
    try {
      for (const file of files) {
        const li = el('li', 'Reading ' + file.name + '…');
        $('files-read').append(li);
        await paint();
        if (file.size > (info.max_file_bytes || 256 * 1024 * 1024)) {
          clear(li); show(li, file.name + ': the file is too large to be a scan of a sheet');
          li.className = 'bad';
          continue;
        }
        const data = new Uint8Array(await file.arrayBuffer());
        const started = performance.now();
        const a = await call({ op: 'scan', name: file.name, so_far: scannedSoFar() }, data);
        data.fill(0);
        const ms = Math.round(performance.now() - started);
        clear(li);
        if (a.error) {
          li.className = 'bad';
          li.append(message(file.name + ': ' + a.error, a.hint));
          continue;
        }
        const pages = a.pages;
        scanned = a.so_far;
        show(li, file.name + ': ' + pages + (pages === 1 ? ' page, ' : ' pages, ') + a.added +
          (a.added === 1 ? ' code' : ' codes') + ' found (' + (ms / 1000).toFixed(1) + ' s)');
        li.dataset.ms = String(ms);
        await update();
      }
    } finally {
      $('files').value = '';
      setBusy(-1);
    }
  }

  // ---- typed lines -------------------------------------------------------
  let typedTimer = null;
  async function checkTyped() {
    setBusy(1);
    try {
      const entries = $('typed').value.split(/\r?\n/).filter((l) => l.trim() !== '');
      const list = $('typed-check');
      clear(list);
      const lines = [];
      const words = [];
      for (let i = 0; i < entries.length; i++) {
        const a = await call({ op: 'check_line', text: entries[i], entry: i + 1 });
        const li = document.createElement('li');
        if (a.error) {
          li.className = 'bad';
          li.append(message(a.error + '. Type it again, or skip it.', a.hint));
        } else if (a.share) {
          words.push(entries[i]);
          show(li, 'line ' + (i + 1) + ': share words of share ' + a.share + ' accepted.');
          li.className = 'good';
        } else {
          lines.push(...a.lines);
          show(li, 'line ' + (i + 1) + ': accepted.');
          li.className = 'good';
        }
        list.append(li);
      }
      typed = { lines, words };
      await update();
    } finally {
      setBusy(-1);
    }
  }

  // ---- restoring -----------------------------------------------------------
  async function update() {
    const state = soFar();
    const nothing = state.codes.length === 0 && state.lines.length === 0 && state.words.length === 0;
    if (nothing) {
      document.body.dataset.outcome = '';
      $('progress-box').hidden = true;
      return;
    }
    const r = await call({ op: 'restore', so_far: state, passphrase, set: chosen, now: Math.floor(Date.now() / 1000) });
    showProgress(r.progress, state);
    $('passphrase-box').hidden = !(r.outcome === 'need_passphrase' || r.outcome === 'wrong_passphrase');
    $('passphrase-error').textContent = '';
    $('passphrase-error').className = 'bad';
    $('choose-box').hidden = r.outcome !== 'several';
    const needed = $('needed');
    clear(needed);
    if (r.error) {
      needed.append(problemBox(r.error, r.hint));
    }
    switch (r.outcome) {
      case 'incomplete':
        needed.append(el('h3', 'Still needed'));
        needed.append(problemBox(r.message, r.hint));
        break;
      case 'need_passphrase':
        $('passphrase').focus();
        break;
      case 'wrong_passphrase':
        show($('passphrase-error'), r.message);
        passphrase = null;
        $('passphrase').value = '';
        break;
      case 'failed':
        needed.append(problemBox(r.message, null));
        break;
      case 'several':
        showChoices(r.choose);
        break;
      case 'restored':
        stopCamera();
        showResult(r.backups, r.problems);
        break;
    }
    if (r.outcome !== 'restored') hideResult();
    document.body.dataset.outcome = r.outcome || 'error';
  }

  function showProgress(progress, state) {
    $('progress-box').hidden = false;
    const list = $('progress');
    clear(list);
    if (!progress) return;
    for (const s of progress.sets) {
      const li = el('li', s.summary);
      if (s.share) {
        show(li, ' (share ' + s.share.x + ' of ' + s.share.n + (s.share.holder ? ', holder: ' + s.share.holder : '') +
          ', split ' + s.share.split + ')');
      }
      const detail = el('div', 'Codes read: ' + (s.read.length ? s.read.join(', ') : 'none') +
        (s.missing.length ? '; not yet: ' + s.missing.join(', ') : '') + ' (set ' + s.set + ').', 'note');
      li.append(detail);
      li.className = s.restored ? 'good' : '';
      list.append(li);
    }
    if (state.lines.length && !progress.sets.length) {
      list.append(el('li', state.lines.length + ' recovery-text line(s) accepted, not yet enough to tell which sheet they belong to.'));
    }
    if (state.words.length) {
      list.append(el('li', state.words.length + ' typed share word list(s).'));
    }
    for (const r of progress.rejected) list.append(el('li', 'warning: ' + r, 'bad'));
    if (progress.foreign) {
      list.append(el('li', progress.foreign + ' QR code(s) that are not paperseed\'s were ignored.', 'note'));
    }
  }

  function showChoices(choices) {
    const list = $('choose');
    clear(list);
    for (const c of choices) {
      const li = el('li', c.title + ' (fingerprint ' + c.fingerprint + (c.set ? ', set ' + c.set : '') + ') ');
      const b = el('button', 'Show this one');
      b.type = 'button';
      b.addEventListener('click', () => { chosen = c.choice; run(update); });
      li.append(b);
      list.append(li);
    }
  }

  function hideResult() {
    const box = $('result');
    clear(box);
    box.hidden = true;
    if (otpTimer) { clearInterval(otpTimer); otpTimer = null; }
    revokeUrls();
  }

  let objectUrls = [];
  function revokeUrls() {
    for (const u of objectUrls) URL.revokeObjectURL(u);
    objectUrls = [];
  }

  function showResult(backups, problems) {
    hideResult();
    const box = $('result');
    box.hidden = false;
    box.append(el('h2', 'The secrets'));
    const otps = [];
    for (const b of backups) {
      const sec = el('section', null, 'backup');
      sec.append(el('h3', b.title));
      const fp = el('p', 'Fingerprint ', 'fingerprint');
      fp.append(el('b', b.fingerprint));
      show(fp, b.set ? ' (set ' + b.set + ')' : '');
      sec.append(fp);
      sec.append(el('p', 'Compare it with the fingerprint printed on the sheet: if they are the same, these are exactly the secrets printed.', 'note'));
      sec.append(el('p', 'Restored: ' + b.status + '.', 'note'));
      b.secrets.forEach((s, i) => sec.append(secret(s, i, otps)));
      if (b.emergency) sec.append(emergency(b.emergency));
      box.append(sec);
    }
    for (const p of problems || []) box.append(problemBox(p.message, p.hint));
    if (otps.length) otpTimer = setInterval(() => run(() => refreshOtps(otps), false), 1000);
  }

  function secret(s, i, otps) {
    const d = el('div', null, 'secret');
    d.append(el('h4', (i + 1) + '. ' + s.heading));
    d.append(el('pre', s.lines.join('\n')));
    if (s.uri) {
      d.append(el('pre', 'URI      ' + s.uri));
      const now = el('p', '', 'otp-now');
      d.append(now);
      otpLine(now, s.otp);
      otps.push({ uri: s.uri, node: now });
      const b = el('button', 'Show a QR code to enrol a new phone');
      b.type = 'button';
      b.addEventListener('click', () => run(async () => {
        const q = await call({ op: 'qr', text: s.uri });
        if (q.error) { d.append(message(q.error)); return; }
        b.replaceWith(qrCanvas(q), el('p', 'Scan it with the authenticator app (it holds the key: keep it off screens others see).', 'note'));
      }));
      d.append(b);
    }
    if (s.file) {
      const name = s.file.save_as || ('embedded-file-' + (i + 1) + '.bin');
      const b = el('button', 'Save ' + name + ' (' + s.file.size + ' bytes)');
      b.type = 'button';
      b.addEventListener('click', () => save(name, s.file.base64));
      d.append(b);
      if (!s.file.save_as) {
        d.append(el('p', 'Its stored name is not a plain file name, so it is saved as ' + name + '.', 'note'));
      }
    }
    return d;
  }

  function otpLine(node, otp) {
    clear(node);
    if (!otp || !otp.code) return;
    if (otp.kind === 'totp') {
      show(node, 'Current code: ');
      node.append(el('b', otp.code));
      show(node, ' (valid for ' + otp.remaining + ' s more)');
    } else {
      show(node, 'Next code: ');
      node.append(el('b', otp.code));
      show(node, ' (HOTP, counter ' + otp.counter + ')');
    }
  }

  async function refreshOtps(otps) {
    const now = Math.floor(Date.now() / 1000);
    for (const o of otps) {
      if (!o.node.isConnected) continue;
      otpLine(o.node, await call({ op: 'otp', uri: o.uri, now }));
    }
  }

  function qrCanvas(q) {
    const scale = 6, quiet = 4;
    const side = (q.width + 2 * quiet) * scale;
    const c = document.createElement('canvas');
    c.className = 'qr';
    c.width = side; c.height = side;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, side, side);
    g.fillStyle = '#000';
    for (let y = 0; y < q.width; y++) {
      for (let x = 0; x < q.width; x++) {
        if (q.modules[y * q.width + x] === '1') g.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
      }
    }
    return c;
  }

  function save(name, base64) {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    objectUrls.push(url);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  }

  function emergency(e) {
    const d = el('div', null, 'secret');
    d.append(el('h4', 'Emergency guide'));
    for (const part of e.guide) {
      d.append(el('h5', part.heading));
      for (const line of part.lines) d.append(el('p', line));
    }
    d.append(el('h5', 'Wallet card'));
    const card = el('pre', '');
    for (const part of e.card) {
      show(card, part.heading + '\n');
      for (const line of part.lines) show(card, line + '\n');
    }
    d.append(card);
    return d;
  }

  // ---- the camera ----------------------------------------------------------
  const FRAME_MAX_SIDE = 1920;

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      $('camera').hidden = false;
      $('camera-status').textContent = 'This browser offers no camera to a page opened from a file. Choose photos instead.';
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment', width: { ideal: 1920 }, height: { ideal: 1080 } }, audio: false,
      });
    } catch (e) {
      $('camera').hidden = false;
      $('camera-status').textContent = 'The camera could not be used (' + e.message + '). Choose photos instead.';
      return;
    }
    const video = $('video');
    video.srcObject = stream;
    await video.play();
    camera = { stream, canvas: document.createElement('canvas'), frames: 0, useful: 0 };
    $('camera').hidden = false;
    $('camera-start').hidden = true;
    $('camera-stop').hidden = false;
    $('camera-status').textContent = 'Looking for codes…';
    cameraLoop(camera);
  }

  function stopCamera() {
    if (!camera) return;
    for (const t of camera.stream.getTracks()) t.stop();
    camera = null;
    const video = $('video');
    video.srcObject = null;
    $('camera').hidden = true;
    $('camera-start').hidden = false;
    $('camera-stop').hidden = true;
  }

  async function cameraLoop(cam) {
    const video = $('video');
    while (camera === cam) {
      const w0 = video.videoWidth, h0 = video.videoHeight;
      if (w0 && h0) {
        const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(w0, h0));
        const w = Math.round(w0 * scale), h = Math.round(h0 * scale);
        cam.canvas.width = w; cam.canvas.height = h;
        const g = cam.canvas.getContext('2d', { willReadFrequently: true });
        g.drawImage(video, 0, 0, w, h);
        const rgba = g.getImageData(0, 0, w, h).data;
        const luma = new Uint8Array(w * h);
        for (let i = 0, j = 0; j < luma.length; i += 4, j++) {
          // Rec. 709 weights, as the library's own image conversion.
          luma[j] = (rgba[i] * 2126 + rgba[i + 1] * 7152 + rgba[i + 2] * 722 + 5000) / 10000;
        }
        rgba.fill(0);
        setBusy(1);
        try {
          const a = await call({ op: 'frame', width: w, height: h, so_far: scannedSoFar() }, luma);
          luma.fill(0);
          cam.frames++;
          if (a.added > 0) cam.useful++;
          document.body.dataset.frames = String(cam.useful);
          if (camera !== cam) break;
          if (a.error) {
            $('camera-status').textContent = a.error;
          } else {
            if (a.added > 0) {
              scanned = a.so_far;
              await update();
            }
            if (camera === cam) {
              $('camera-status').textContent = (a.added > 0 ? a.added + ' new code(s). ' : '') +
                scanned.codes.length + ' code(s) read so far; ' + cam.frames + ' frame(s) looked at. Hold the next page up, or the same one closer.';
            }
          }
        } finally {
          setBusy(-1);
        }
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  // ---- clearing ------------------------------------------------------------
  async function clearAll() {
    stopCamera();
    hideResult();
    scanned = { codes: [], lines: [], pages: 0 };
    typed = { lines: [], words: [] };
    passphrase = null;
    chosen = null;
    for (const id of ['typed', 'passphrase', 'files']) $(id).value = '';
    for (const id of ['typed-check', 'files-read', 'progress', 'needed', 'choose', 'passphrase-error']) clear($(id));
    for (const id of ['progress-box', 'passphrase-box', 'choose-box']) $(id).hidden = true;
    document.body.dataset.outcome = '';
    await instantiate();   // the old instance's memory is zeroed and dropped
  }

  // ---- wiring --------------------------------------------------------------
  // Run an action with the page marked busy; errors are shown, never lost.
  async function run(action, mark = true) {
    if (mark) setBusy(1);
    try {
      await action();
    } catch (e) {
      const n = $('needed');
      clear(n);
      n.append(problemBox('Something went wrong in the page: ' + e.message, null));
      $('progress-box').hidden = false;
    } finally {
      if (mark) {
        // Actions finished, for tests waiting on the page.
        document.body.dataset.runs = String(Number(document.body.dataset.runs || '0') + 1);
        setBusy(-1);
      }
    }
  }

  async function main() {
    try {
      module = await WebAssembly.compile(await wasmBytes());
      await instantiate();
      info = await call({ op: 'version' });
    } catch (e) {
      $('startup').className = 'bad';
      $('startup').textContent = 'The page could not start: ' + e.message;
      document.body.dataset.busy = '0';
      document.body.dataset.outcome = 'broken';
      return;
    }
    $('startup').remove();
    $('program').textContent = info.program + ' (format version ' + info.format + ').';
    $('files').addEventListener('change', (ev) => run(() => readFiles(Array.from(ev.target.files))));
    $('typed').addEventListener('input', () => {
      // Checked once typing pauses; the page counts as busy until then.
      if (typedTimer === null) setBusy(1); else clearTimeout(typedTimer);
      typedTimer = setTimeout(() => {
        typedTimer = null;
        run(checkTyped).finally(() => setBusy(-1));
      }, 300);
    });
    $('passphrase-open').addEventListener('click', () => {
      passphrase = $('passphrase').value;
      $('passphrase').value = '';
      const status = $('passphrase-error');
      status.className = 'note';
      status.textContent = 'Opening… (this takes a few seconds on purpose: it makes guessing passphrases slow)';
      run(async () => { await paint(); await update(); });
    });
    $('passphrase').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') { ev.preventDefault(); $('passphrase-open').click(); }
    });
    $('camera-start').addEventListener('click', () => run(startCamera));
    $('camera-stop').addEventListener('click', stopCamera);
    $('clear').addEventListener('click', () => run(clearAll));
    document.body.dataset.busy = '0';
  }

  main();
})();
