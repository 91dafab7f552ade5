#!/usr/bin/env python3
"""Writes the default theme's icon, favicon.svg and favicon.ico, from one
drawing: a small evidence-gap map (3 x 3 cells, bubbles of different sizes,
two empty gap cells) on the theme's accent colour.

    python3 tools/favicon.py themes/default/images

The output is byte-for-byte the same on every run (no dates, no libraries
beyond the standard one), so the committed files can be checked against it
(tests/e2e/test_favicon.sh)."""
import os
import struct
import sys

ACCENT = (0x0B, 0x5C, 0xAD)
CELL = (0xFF, 0xFF, 0xFF)
SIZE = 32  # the drawing's own units
RADIUS = 6  # of the rounded background square
CELL_AT = (2, 12, 22)  # cell origins; cells are 8 x 8
CELL_SIZE = 8
# bubble radius per cell, row by row; 0 = a gap
BUBBLES = ((3.0, 2.0, 0), (1.5, 3.0, 2.0), (0, 2.5, 1.5))


def svg():
    out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">' % (SIZE, SIZE)]
    out.append('<rect width="%d" height="%d" rx="%d" fill="#%02x%02x%02x"/>' % ((SIZE, SIZE, RADIUS) + ACCENT))
    for r, y in enumerate(CELL_AT):
        for c, x in enumerate(CELL_AT):
            out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#%02x%02x%02x"/>' % ((x, y, CELL_SIZE, CELL_SIZE) + CELL))
            b = BUBBLES[r][c]
            if b:
                out.append('<circle cx="%g" cy="%g" r="%g" fill="#%02x%02x%02x"/>' % ((x + CELL_SIZE / 2, y + CELL_SIZE / 2, b) + ACCENT))
    out.append("</svg>\n")
    return "\n".join(out).encode()


def colour_at(x, y):
    """(r, g, b, a) of the drawing at a point in its own units."""
    # rounded square
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    if (x - cx) ** 2 + (y - cy) ** 2 > RADIUS ** 2 or not (0 <= x < SIZE and 0 <= y < SIZE):
        return (0, 0, 0, 0)
    for r, oy in enumerate(CELL_AT):
        for c, ox in enumerate(CELL_AT):
            if ox <= x < ox + CELL_SIZE and oy <= y < oy + CELL_SIZE:
                b = BUBBLES[r][c]
                mx, my = ox + CELL_SIZE / 2, oy + CELL_SIZE / 2
                if b and (x - mx) ** 2 + (y - my) ** 2 <= b * b:
                    return ACCENT + (255,)
                return CELL + (255,)
    return ACCENT + (255,)


def raster(px):
    """px x px RGBA rows, top first, 4 x 4 samples a pixel."""
    n = 4
    rows = []
    for j in range(px):
        row = []
        for i in range(px):
            acc = [0, 0, 0, 0]
            for sj in range(n):
                for si in range(n):
                    x = (i + (si + 0.5) / n) * SIZE / px
                    y = (j + (sj + 0.5) / n) * SIZE / px
                    r, g, b, a = colour_at(x, y)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            a = acc[3]
            if a:
                row.append((round(acc[0] / a), round(acc[1] / a), round(acc[2] / a), round(a / (n * n))))
            else:
                row.append((0, 0, 0, 0))
        rows.append(row)
    return rows


def bmp_entry(px):
    """An ICO image: BITMAPINFOHEADER, 32-bit BGRA rows bottom first, AND mask."""
    rows = raster(px)
    head = struct.pack("<IiiHHIIiiII", 40, px, px * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    pixels = b"".join(bytes((b, g, r, a)) for row in reversed(rows) for (r, g, b, a) in row)
    stride = ((px + 31) // 32) * 4
    mask = b"".join(
        bytes(
            sum((1 << (7 - k)) for k in range(8) if i * 8 + k < px and row[i * 8 + k][3] == 0)
            for i in range(stride)
        )
        for row in reversed(rows)
    )
    return head + pixels + mask


def ico(sizes=(16, 32)):
    images = [bmp_entry(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for s, img in zip(sizes, images):
        out += struct.pack("<BBBBHHII", s, s, 0, 0, 1, 32, len(img), offset)
        offset += len(img)
    return out + b"".join(images)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    for name, data in (("favicon.svg", svg()), ("favicon.ico", ico())):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: favicon.py FOLDER")
    main(sys.argv[1])
