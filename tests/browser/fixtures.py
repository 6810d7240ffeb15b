#!/usr/bin/env python3
"""Fixtures of the browser tests (scripts/browser-tests.sh). Standard library only.

    fixtures.py y4m OUT.y4m PAGE.pgm X,Y X,Y ...
        A video of a sheet held up to a camera, for Chromium's fake capture
        device (--use-file-for-fake-video-capture=FILE.y4m). PAGE.pgm is a page
        rendered by `pdftoppm -gray` (binary PGM). The video shows a blank wall,
        then the 640x360 crop of the page at each X,Y (top-left corner, in
        pixels) for two seconds, one after another, so that no single frame
        holds enough codes: the page must add up the codes of several frames.

    fixtures.py crop OUT.pgm PAGE.pgm X,Y,W,H
        A part of a page, as a PGM file (paperseed reads PNM).

    fixtures.py typed OUT.txt < TEXT
        From `pdftotext -layout` of a sheet, its recovery-text lines one per
        line, as a person types them, with line 6 left out and a typo (its
        last symbol changed) in line 10.
"""

import re
import sys

WIDTH, HEIGHT, FPS = 640, 360, 5


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


def crop(page, x, y):
    w, h, pixels = page
    rows = []
    for r in range(HEIGHT):
        sy = y + r
        if 0 <= sy < h:
            line = bytearray(b"\xff" * WIDTH)
            x0, x1 = max(0, x), min(w, x + WIDTH)
            if x1 > x0:
                line[x0 - x : x1 - x] = pixels[sy * w + x0 : sy * w + x1]
            rows.append(bytes(line))
        else:
            rows.append(b"\xff" * WIDTH)
    return b"".join(rows)


def write_pgm(path, w, h, pixels):
    with open(path, "wb") as out:
        out.write(f"P5\n{w} {h}\n255\n".encode() + pixels)


def crop_pgm(argv):
    w, h, pixels = read_pgm(argv[1])
    x, y, cw, ch = (int(v) for v in argv[2].split(","))
    rows = [pixels[(y + r) * w + x : (y + r) * w + x + cw] for r in range(ch)]
    write_pgm(argv[0], cw, ch, b"".join(rows))
    return 0


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
    if len(argv) >= 3 and argv[1] == "crop":
        return crop_pgm(argv[2:])
    if len(argv) == 3 and argv[1] == "typed":
        return typed(argv[2:])
    if len(argv) < 5 or argv[1] != "y4m":
        print(__doc__, file=sys.stderr)
        return 2
    argv = argv[1:]
    page = read_pgm(argv[2])
    crops = [tuple(int(v) for v in a.split(",")) for a in argv[3:]]
    chroma = b"\x80" * (WIDTH // 2 * HEIGHT // 2 * 2)
    blank = b"\xe8" * (WIDTH * HEIGHT)
    frames = []
    for x, y in crops:
        frames += [blank] * FPS + [crop(page, x, y)] * (2 * FPS)
    with open(argv[1], "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for luma in frames:
            out.write(b"FRAME\n" + luma + chroma)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
