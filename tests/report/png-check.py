#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   png-check.py SCREENSHOT.png [MIN_BYTES [MIN_COLOURS]]
#
# Is a browser's screenshot of the HTML report a picture of something? A
# PNG of at least MIN_BYTES (default 20000), with at least MIN_COLOURS
# distinct colours (default 24) and at least a tenth of its pixels not
# background white. Decodes the PNG with zlib alone (8-bit RGB or RGBA,
# not interlaced: what chromium writes). Prints what it measured.

import struct
import sys
import zlib


def decode(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = ihdr
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("PNG of depth %d, colour type %d, interlace %d: not read here"
                         % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    prev, rows, i = bytearray(stride), [], 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main(argv):
    path = argv[1]
    min_bytes = int(argv[2]) if len(argv) > 2 else 20000
    min_colours = int(argv[3]) if len(argv) > 3 else 24
    data = open(path, "rb").read()
    width, height, bpp, rows = decode(data)
    colours, ink = set(), 0
    for row in rows[::2]:
        for x in range(0, width * bpp, bpp * 2):
            px = row[x:x + 3]
            colours.add(px)
            if min(px) < 235:
                ink += 1
    sampled = ((height + 1) // 2) * ((width + 1) // 2)
    share = ink / sampled if sampled else 0
    print("%s: %d bytes, %dx%d, %d colours, %.0f%% not white"
          % (path, len(data), width, height, len(colours), 100 * share))
    problems = []
    if len(data) < min_bytes:
        problems.append("only %d bytes" % len(data))
    if len(colours) < min_colours:
        problems.append("only %d colours" % len(colours))
    if share < 0.10:
        problems.append("nearly blank")
    if problems:
        sys.stderr.write("png-check: %s: %s\n" % (path, ", ".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("usage: png-check.py SCREENSHOT.png [MIN_BYTES [MIN_COLOURS]]\n")
        sys.exit(2)
    sys.exit(main(sys.argv))
