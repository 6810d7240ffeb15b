#!/usr/bin/env python3
"""Assemble the restore page (called by scripts/build-restore-page.sh).

    assemble-restore-page.py WASM OUT.html RUSTC_VERSION
        web/page/restore.html with web/page/style.css and web/page/app.js
        inline, their SHA-256 in the Content-Security-Policy, and the
        WebAssembly gzipped (mtime 0) and base64-encoded in a data block.

    assemble-restore-page.py --compare COMMITTED.html REBUILT.html
        exit 0 if the two pages are the same: byte for byte, or (when this
        machine's zlib compresses differently) the same page around the same
        WebAssembly once decompressed; else say what differs and exit 1.
"""

import base64
import gzip
import hashlib
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "web" / "page"
BLOCK = re.compile(r'(<script type="application/octet-stream" id="wasm" data-encoding="gzip\+base64">)([A-Za-z0-9+/=]*)(</script>)')
RUSTC = re.compile(r'<meta name="paperseed-rustc" content="([^"]*)">')


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def program():
    cargo = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    version = re.search(r'^\[package\][^\[]*?^version = "([^"]+)"', cargo, re.M | re.S).group(1)
    return f"paperseed {version}"


def assemble(wasm_path, out_path, rustc):
    template = (PAGE / "restore.html").read_text(encoding="utf-8")
    style = (PAGE / "style.css").read_text(encoding="utf-8")
    script = (PAGE / "app.js").read_text(encoding="utf-8")
    for name, text in (("style.css", style), ("app.js", script)):
        if re.search(r"</(script|style)|<!--", text, re.I):
            sys.exit(f"web/page/{name} holds `</script`, `</style` or `<!--`, which would break its inline block")
    wasm = Path(wasm_path).read_bytes()
    packed = base64.b64encode(gzip.compress(wasm, compresslevel=9, mtime=0)).decode()
    page = template
    for key, value in (
        ("{{SCRIPT_HASH}}", csp_hash(script)),
        ("{{STYLE_HASH}}", csp_hash(style)),
        ("{{PROGRAM}}", program()),
        ("{{RUSTC}}", rustc),
        ("{{STYLE}}", style),
        ("{{SCRIPT}}", script),
        ("{{WASM}}", packed),
    ):
        if template.count(key) != 1:
            sys.exit(f"web/page/restore.html must hold {key} exactly once")
        page = page.replace(key, value, 1)
    Path(out_path).write_text(page, encoding="utf-8", newline="\n")


def split(path):
    text = Path(path).read_text(encoding="utf-8")
    m = BLOCK.search(text)
    if not m:
        sys.exit(f"{path}: no WebAssembly block")
    wasm = gzip.decompress(base64.b64decode(m.group(2)))
    return text[: m.start(2)] + text[m.end(2) :], wasm, text


def compare(committed, rebuilt):
    a, b = Path(committed).read_bytes(), Path(rebuilt).read_bytes()
    if a == b:
        print(f"{committed} is what the sources build (byte for byte).")
        return 0
    page_a, wasm_a, text_a = split(committed)
    page_b, wasm_b, text_b = split(rebuilt)
    if page_a == page_b and wasm_a == wasm_b:
        print(f"{committed} is what the sources build (the same WebAssembly; this zlib compresses it differently).")
        return 0
    ra, rb = RUSTC.search(text_a), RUSTC.search(text_b)
    print(f"{committed} is not what the sources build: rebuild it with `bash scripts/build-restore-page.sh` and commit it.")
    if page_a != page_b:
        print("  the page's HTML, style or script differs (web/page/ changed).")
    if wasm_a != wasm_b:
        print(f"  the WebAssembly differs ({len(wasm_a)} bytes committed, {len(wasm_b)} rebuilt): the library, web/ or Cargo.lock changed.")
    if ra and rb and ra.group(1) != rb.group(1):
        print(f"  it was built with {ra.group(1)}; this machine has {rb.group(1)}.")
    return 1


def main(argv):
    if len(argv) == 4 and argv[1] == "--compare":
        return compare(argv[2], argv[3])
    if len(argv) == 4:
        assemble(argv[1], argv[2], argv[3])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
