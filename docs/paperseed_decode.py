#!/usr/bin/env python3
"""Decode paperseed sheets (format v2, and v1 codes) without paperseed.

Reads stdin: any mix of QR code texts, one per line (`zbarimg --raw -q scan.png`),
and recovery-text lines (`pdftotext -layout sheet.pdf -`, or typed; two may share a
row, other text is ignored). Prints the secrets as JSON on stdout and the
fingerprint on stderr. Python 3 standard library only; with the blake3 package
(pip install blake3) it also checks the checksum and computes the fingerprint.
The format is specified in docs/FORMAT.md of paperseed's source.
"""
import base64, json, re, sys, urllib.parse, zlib
from functools import reduce

def warn(*m): print(*m, file=sys.stderr)

# Reed-Solomon over GF(256) (polynomial 0x11D), as the shards (codes) and the
# recovery-text lines use it: the n shards are the values, at the points 0, 1,
# ..., n-1 of GF(256), of one polynomial of degree < k whose values at 0..k-1
# are the data shards (byte by byte). So any k shards give the polynomial, and
# the missing data shards, by Lagrange interpolation. (This is the Vandermonde
# construction of Backblaze's JavaReedSolomon and the reed-solomon-erasure crate.)
EXP, LOG, x = [0] * 510, [0] * 256, 1
for i in range(255):
    EXP[i] = EXP[i + 255] = x; LOG[x] = i
    x = (x << 1) ^ (0x11D if x & 0x80 else 0)
def mul(a, b): return EXP[LOG[a] + LOG[b]] if a and b else 0
def rs_join(shards, k):
    """The k data shards from any k shards ({index: bytes}), or None."""
    if len(shards) < k: return None
    points = sorted(shards)[:k]  # in GF(256), a - b = a ^ b
    den = {i: sum(LOG[i ^ j] for j in points if j != i) for i in points}
    def value_at(c):  # sum over i of shard_i * prod over j != i of (c - j) / (i - j)
        if c in shards: return shards[c]
        num = sum(LOG[c ^ j] for j in points)
        w = [EXP[(num - LOG[c ^ i] - den[i]) % 255] for i in points]
        return bytes(reduce(int.__xor__, (mul(a, shards[i][b]) for a, i in zip(w, points)), 0)
                     for b in range(len(shards[points[0]])))
    return [value_at(c) for c in range(k)]

# QR codes: "PAPERSEED<version>:" then digits, 17 digits per 7 bytes, big-endian.
DIGITS = {0: 0, 3: 1, 5: 2, 8: 3, 10: 4, 13: 5, 15: 6, 17: 7}  # digits -> bytes
sets = {}  # (version, kind, k, n, length, set id) -> {index: shard}
def read_code(text):
    if text[9:11] not in ("1:", "2:"): raise ValueError("unknown format version: a newer decoder is needed")
    version, digits = int(text[9]), text[11:]
    if not digits.isdigit() or len(digits) % 17 not in DIGITS: raise ValueError("damaged digits")
    frame = b"".join(int(digits[i:i + 17]).to_bytes(DIGITS[len(digits[i:i + 17])], "big")
                     for i in range(0, len(digits), 17))
    body, crc, head = frame[:-4], frame[-4:], 24 if version == 1 else 10
    if zlib.crc32(body).to_bytes(4, "big") != crc: raise ValueError("bad CRC")
    kind, k, n, index = body[:4]
    length = int.from_bytes(body[4:8] if version == 1 else body[4:6], "big")
    if kind not in (1, 2, 3): raise ValueError(f"unknown payload kind {kind}: a newer decoder is needed")
    if not (0 < k <= n and index < n and len(body) - head == -(-length // k)): raise ValueError("bad header")
    set_id = body[8:24] if version == 1 else body[6:10]  # v1: the whole checksum
    sets.setdefault((version, kind, k, n, length, set_id), {})[index] = body[head:]

# Recovery text (v2): lines of 26 base-27 symbols: position (2), 13 bytes (22), check (2).
ALPHABET, CONFUSED = "0123456789ACEFHJKMNPRTUVWXY", str.maketrans("ODQILZSGB", "000112568")
E27 = [1]  # powers of x in GF(27) = GF(3)[x]/(x^3+2x+1); a0+a1*x+a2*x^2 is a0+3*a1+9*a2
for _ in range(25):
    a = E27[-1]; E27.append(2 * (a // 9) % 3 + 3 * ((a % 3 + a // 9) % 3) + 9 * (a // 3 % 3))
def add27(a, b): return sum((a // 3 ** i + b // 3 ** i) % 3 * 3 ** i for i in range(3))
def mul27(a, b): return E27[(E27.index(a) + E27.index(b)) % 26] if a and b else 0
lines = {}  # position -> 13 bytes
def read_line(symbols):
    v = [ALPHABET.index(c) for c in symbols.translate(CONFUSED)]
    for power in (1, 2):  # the two checks: sum of v[i]*x^(power*i) must be 0
        if reduce(add27, (mul27(s, E27[power * i % 26]) for i, s in enumerate(v)), 0):
            raise ValueError("check fails")
    number = reduce(lambda acc, s: acc * 27 + s, v[2:24], 0)
    if number >> 104: raise ValueError("value out of range")
    if lines.setdefault(v[0] * 27 + v[1], number.to_bytes(13, "big")) != number.to_bytes(13, "big"):
        warn("two different readings of recovery line", symbols[:2])
def text_stream(size=None, known=()):
    """Rebuild X = kind, k, n, L (2 bytes), carried bytes from the lines (plus bytes
    known from codes); without line 0 (and no codes), try each possible length."""
    if size is None and 0 in lines: size = 5 + int.from_bytes(lines[0][3:5], "big")
    data = [p for p in lines if p < 600]
    spare = len(lines) - len(data)  # parity lines read: at most that many data lines lost at the end
    sizes = [size] if size else [13 * d for d in range(max(data) + 1, max(data) + 2 + spare)] if data else []
    for size in sizes:
        d = -(-size // 13); s = -(-d // 200); buf = [None] * 13 * d; q = 0
        for offset, b in known:
            if offset < len(buf): buf[offset:offset + len(b)] = b
        del buf[13 * d:]
        for p in data:
            if p < d: buf[13 * p:13 * p + 13] = lines[p]
        for j in range(s):  # stripe j: data lines j, j+s, ...; parity lines at 728-q, 727-q, ...
            members = range(j, d, s); m = len(members); p = max(2, -(-m // 8))
            shards = {t: bytes(buf[13 * i:13 * i + 13]) for t, i in enumerate(members)
                      if None not in buf[13 * i:13 * i + 13]}
            shards.update({m + t: lines[728 - q - t] for t in range(p) if 728 - q - t in lines}); q += p
            for i, line in zip(members, rs_join(shards, m) or []): buf[13 * i:13 * i + 13] = line
        if None not in buf and -(-(5 + int.from_bytes(bytes(buf[3:5]), "big")) // 13) == d:
            return bytes(buf[:5 + int.from_bytes(bytes(buf[3:5]), "big")])

# Content: deterministic CBOR. v2 maps have integer keys, v1 maps text keys.
def cbor(b, i=0):
    major, info = b[i] >> 5, b[i] & 31; i += 1
    if info < 24: n = info
    else: size = {24: 1, 25: 2, 26: 4, 27: 8}[info]; n, i = int.from_bytes(b[i:i + size], "big"), i + size
    if major == 0: return n, i
    if major in (2, 3): return (b[i:i + n] if major == 2 else b[i:i + n].decode("utf-8")), i + n
    items = []
    for _ in range(n * (2 if major == 5 else 1)): v, i = cbor(b, i); items.append(v)
    if major == 4: return items, i
    if major == 5: return dict(zip(items[0::2], items[1::2])), i
    raise ValueError("unsupported CBOR item")
def unpack_codes(pattern, packed):  # '9' a digit, 'a'/'A' base 36 lower/upper, other chars as such
    radix = [10 if c == "9" else 36 if c in "aA" else 0 for c in pattern]
    width = max(1, ((reduce(int.__mul__, filter(None, radix), 1) - 1).bit_length() + 7) // 8)
    codes = []
    for at in range(0, len(packed), width):
        v, code = int.from_bytes(packed[at:at + width], "big"), list(pattern)
        for i in reversed(range(len(pattern))):
            if radix[i]: v, d = divmod(v, radix[i]); code[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[d]
            if pattern[i] == "A": code[i] = code[i].upper()
        codes.append("".join(code))
    return codes
def secret_v2(s):
    t = {1: "backup-codes", 2: "totp", 3: "hotp", 4: "mnemonic", 5: "note", 6: "file"}.get(s[0], s[0])
    out = {"type": t, "label": s[1]}
    if t == "backup-codes": out["codes"] = s[2] if 2 in s else unpack_codes(s[3], s[4])
    elif t in ("totp", "hotp"):
        out.update(key=s[2], algorithm={2: "SHA256", 3: "SHA512"}.get(s.get(3), "SHA1"), digits=s.get(4, 6))
        out["period" if t == "totp" else "counter"] = s.get(5, 30)
        out.update({name: s[f] for f, name in ((6, "issuer"), (7, "account")) if f in s})
    elif t == "mnemonic":
        out["entropy"] = s[2]
        try: from mnemonic import Mnemonic; out["words"] = Mnemonic("english").to_mnemonic(s[2])
        except ImportError: out["words"] = "BIP39 entropy; words via any BIP39 tool"
    elif t == "note": out["text"] = s[2]
    elif t == "file": out.update(name=s[2], data=s[3])
    else: out.update({f: v for f, v in s.items() if f > 1})  # a type this program does not know
    return out
EMERGENCY = dict(enumerate(("holder", "account", "uid", "contact", "if_unreachable_48h",
                            "after_death", "never_do", "where_are_shares")))  # field 3 of a v2 payload
def show(kind, content):
    doc = {"kind": {2: "encrypted (age, passphrase)", 3: "share"}.get(kind), "data": content}
    if kind == 1:
        doc, _ = cbor(content)
        if 0 in doc: doc = {"v": doc[0], "title": doc[1], "secrets": [secret_v2(s) for s in doc[2]],
                            **({"emergency": {EMERGENCY.get(f, f): v for f, v in doc[3].items()}} if 3 in doc else {})}
        for s in doc["secrets"]:
            if s["type"] in ("totp", "hotp"):  # the key also in base32 and as a URI for authenticator apps
                s["key_base32"] = base64.b32encode(s["key"]).decode().rstrip("=")
                q = lambda t: urllib.parse.quote(t, safe="")
                label = ":".join(q(s[f]) for f in ("issuer", "account") if f in s) or "key"
                s["uri"] = (f"otpauth://{s['type']}/{label}?secret={s['key_base32']}"
                            + (f"&issuer={q(s['issuer'])}" if "issuer" in s else "")
                            + f"&algorithm={s['algorithm']}&digits={s['digits']}"
                            + (f"&period={s['period']}" if "period" in s else f"&counter={s['counter']}"))
    print(json.dumps(doc, ensure_ascii=False, indent=2, default=bytes.hex))
def check(content, checksum):
    try: import blake3
    except ImportError:
        return warn("no blake3 package (pip install blake3): checksum and fingerprint NOT checked")
    digest = blake3.blake3(content).digest()
    if digest[:16] != checksum: sys.exit("CHECKSUM MISMATCH: the data is damaged")
    v = int.from_bytes(digest[:8], "big") >> 4
    fp = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(v >> 5 * (11 - i)) & 31] for i in range(12))
    warn("fingerprint", "-".join([fp[0:4], fp[4:8], fp[8:12]]))
def open_envelope(kind, carried):  # checksum (16), encoding (1: raw DEFLATE), body
    if len(carried) < 17 or carried[16] > 1: sys.exit("unknown envelope encoding: this needs a newer decoder")
    body = zlib.decompress(carried[17:], -15) if carried[16] == 1 else carried[17:]
    check(body, carried[:16]); show(kind, body)

LINE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{2} *[0-9A-Z]{6} *[0-9A-Z]{6} *[0-9A-Z]{6} *[0-9A-Z]{6}(?![0-9A-Z])")
for row in sys.stdin:
    try:
        if row.strip().upper().startswith("PAPERSEED"): read_code("".join(row.split()).upper()); continue
    except (ValueError, OverflowError) as e: warn(f"skipping a code: {e}"); continue
    for found in LINE.findall(row.upper().replace("-", " ")):
        try: read_line(found.replace(" ", ""))
        except ValueError as e: warn(f"skipping recovery line {found!r}: {e}")

done, status = set(), 0
for (version, kind, k, n, length, set_id), shards in sets.items():
    data = rs_join(shards, k)
    carried = b"".join(data)[:length] if data else None
    if not data and version == 2 and lines:  # too few codes: the text, helped by the codes' data shards
        size = -(-length // k)
        x = text_stream(5 + length, [(0, bytes([kind, k, n]) + length.to_bytes(2, "big"))]
                        + [(5 + i * size, shards[i]) for i in range(k) if i in shards])
        carried = x[5:] if x and x[5:9] == set_id else None
    if carried is None:
        warn(f"set {set_id[:4].hex()}: {len(shards)} of {n} codes read, {k} needed"); status = 1; continue
    done.add(set_id[:4])
    if version == 1: check(carried, set_id); show(kind, carried)
    else: open_envelope(kind, carried)
if lines:
    x = text_stream()
    if x and x[5:9] not in done: open_envelope(x[0], x[5:])
    elif not x and not done: warn("the recovery text cannot be rebuilt: too many lines missing"); status = 1
sys.exit(status if sets or lines else "no paperseed codes or recovery lines found")
