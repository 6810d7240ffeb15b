#!/usr/bin/env python3
"""Fixtures of the browser tests (scripts/browser-tests.sh). Standard library only.

    fixtures.py parts PAGE.pgm K OUT_A.pgm OUT_B.pgm
        Two parts of a page (rendered by `pdftoppm -gray`, binary PGM) that
        hold fewer than K codes each and K or more together: the first codes
        in reading order, and the last ones.

    fixtures.py y4m OUT.y4m PAGE.pgm K
        A video of the same two parts held up to a camera in turn, for
        Chromium's fake capture device (--use-file-for-fake-video-capture):
        a blank wall for a second, then each part for two seconds. No frame
        holds K codes: the page must add up the codes of several frames.

    fixtures.py typed OUT.txt < TEXT
        From `pdftotext -layout` of a sheet, its recovery-text lines one per
        line, as a person types them, with line 6 left out and a typo (its
        last symbol changed) in line 10.

The codes are found on the page as dense, square dark regions (the layout
may change; nothing here knows where it puts them).
"""

import re
import sys

FPS = 5


def read_pgm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P5" or maxval != 255:
        sys.exit(f"{path}: not an 8-bit binary PGM")
    pos += 1
    return w, h, data[pos : pos + w * h]


def locate(page):
    """Boxes (x0, y0, x1, y1) of the QR codes on a page, in reading order."""
    w, h, pixels = page
    cell = max(3, w // 300)
    cols, rows = w // cell, h // cell
    dark = bytes(1 if v < 128 else 0 for v in range(256))
    counts = [[0] * cols for _ in range(rows)]
    for y in range(rows * cell):
        line = pixels[y * w : y * w + cols * cell].translate(dark)
        row = counts[y // cell]
        for c in range(cols):
            row[c] += sum(line[c * cell : (c + 1) * cell])
    full = cell * cell
    # A cell is part of a code when its 3x3 neighbourhood is at least 30% dark.
    dense = [[False] * cols for _ in range(rows)]
    for r in range(1, rows - 1):
        for c in range(1, cols - 1):
            s = sum(counts[r + dr][c + dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1))
            dense[r][c] = s >= 0.3 * 9 * full
    seen = [[False] * cols for _ in range(rows)]
    boxes = []
    for r in range(rows):
        for c in range(cols):
            if not dense[r][c] or seen[r][c]:
                continue
            stack, cells = [(r, c)], []
            seen[r][c] = True
            while stack:
                y, x = stack.pop()
                cells.append((y, x))
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < rows and 0 <= nx < cols and dense[ny][nx] and not seen[ny][nx]:
                            seen[ny][nx] = True
                            stack.append((ny, nx))
            y0 = min(y for y, _ in cells) * cell
            y1 = (max(y for y, _ in cells) + 1) * cell
            x0 = min(x for _, x in cells) * cell
            x1 = (max(x for _, x in cells) + 1) * cell
            bw, bh = x1 - x0, y1 - y0
            # Codes are square and at least a tenth of the page's width.
            if bw >= w / 10 and 0.75 <= bw / bh <= 1.33 and len(cells) * cell * cell >= 0.6 * bw * bh:
                boxes.append((x0, y0, x1, y1))
    band = max(1, h // 40)
    boxes.sort(key=lambda b: (b[1] // band, b[0]))
    return boxes


def parts(page, k):
    """Two rectangles: around the first ceil(k/2) codes, and the last ones."""
    boxes = locate(page)
    m = (k + 1) // 2
    if k < 2 or 2 * m > len(boxes):
        sys.exit(f"cannot split {len(boxes)} codes found into two parts of fewer than {k}")
    w, h, _ = page
    margin = (boxes[0][2] - boxes[0][0]) // 12
    out = []
    for group in (boxes[:m], boxes[-m:]):
        x0 = max(0, min(b[0] for b in group) - margin)
        y0 = max(0, min(b[1] for b in group) - margin)
        x1 = min(w, max(b[2] for b in group) + margin)
        y1 = min(h, max(b[3] for b in group) + margin)
        out.append((x0, y0, (x1 - x0) // 2 * 2, (y1 - y0) // 2 * 2))
    return out


def crop(page, x, y, cw, ch):
    w, h, pixels = page
    rows = []
    for r in range(ch):
        line = bytearray(b"\xff" * cw)
        sy = y + r
        if 0 <= sy < h:
            x0, x1 = max(0, x), min(w, x + cw)
            if x1 > x0:
                line[x0 - x : x1 - x] = pixels[sy * w + x0 : sy * w + x1]
        rows.append(bytes(line))
    return b"".join(rows)


def write_pgm(path, w, h, pixels):
    with open(path, "wb") as out:
        out.write(f"P5\n{w} {h}\n255\n".encode() + pixels)


LINE = re.compile(r"\b([0-9A-Z]{2}) +([0-9A-Z]{6}) +([0-9A-Z]{6}) +([0-9A-Z]{6}) +([0-9A-Z]{6})\b")


def typed(argv):
    lines = []
    for row in sys.stdin.read().splitlines():
        if re.match(r"^ *[0-9A-Y]{2} +[0-9A-Z]{6} ", row):
            lines += [" ".join(m.groups()) for m in LINE.finditer(row)]
    if len(lines) < 12:
        sys.exit(f"only {len(lines)} recovery-text lines found")
    last = lines[9][-1]
    lines[9] = lines[9][:-1] + ("7" if last != "7" else "8")
    del lines[5]
    with open(argv[0], "w") as out:
        out.write("\n".join(lines) + "\n")
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "parts":
        page = read_pgm(argv[2])
        for out, (x, y, cw, ch) in zip(argv[4:6], parts(page, int(argv[3]))):
            write_pgm(out, cw, ch, crop(page, x, y, cw, ch))
        return 0
    if len(argv) == 5 and argv[1] == "y4m":
        page = read_pgm(argv[3])
        rects = parts(page, int(argv[4]))
        fw = max(r[2] for r in rects) + 64
        fh = max(r[3] for r in rects) + 64
        chroma = b"\x80" * (fw // 2 * fh // 2 * 2)
        blank = b"\xe8" * (fw * fh)
        with open(argv[2], "wb") as out:
            out.write(f"YUV4MPEG2 W{fw} H{fh} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
            for x, y, cw, ch in rects:
                # The part in the middle of the frame, the page around it.
                frame = crop(page, x - (fw - cw) // 2, y - (fh - ch) // 2, fw, fh)
                for luma in [blank] * FPS + [frame] * (2 * FPS):
                    out.write(b"FRAME\n" + luma + chroma)
        return 0
    if len(argv) == 3 and argv[1] == "typed":
        return typed(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
