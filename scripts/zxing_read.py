#!/usr/bin/env python3
"""Read every QR code in images with zxing-cpp (PyPI `zxing-cpp`), for comparison
with paperseed's own reader in the degradation benchmark (benches/degrade/).

    zxing_read.py IMAGE...          texts of all QR codes found, one per line
    zxing_read.py --tsv IMAGE...    one line "IMAGE<TAB>TEXT" per code, and one line
                                    "#time<TAB>IMAGE<TAB>SECONDS" per image (decode only,
                                    image loading excluded); an unreadable file gives
                                    "#error<TAB>IMAGE<TAB>MESSAGE"
    zxing_read.py --check           exit 0 when zxing-cpp and Pillow are importable

zxing-cpp runs with its defaults (try rotate, downscale and invert; LocalAverage
binarizer), restricted to QR codes. Needs: pip install zxing-cpp pillow
"""

import sys
import time


def main(argv):
    try:
        import zxingcpp
        from PIL import Image
    except ImportError as e:
        print(f"zxing_read.py: {e}; install with: pip install zxing-cpp pillow", file=sys.stderr)
        return 3
    if argv[:1] == ["--check"]:
        version = getattr(zxingcpp, "__version__", None)
        if version is None:
            try:
                from importlib.metadata import version as dist_version

                version = dist_version("zxing-cpp")
            except Exception:  # noqa: BLE001 - the version is informative only
                version = "unknown"
        print(f"zxing-cpp {version}")
        return 0
    tsv = argv[:1] == ["--tsv"]
    paths = argv[1:] if tsv else argv
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    Image.MAX_IMAGE_PIXELS = 200_000_000
    status = 0
    for path in paths:
        try:
            with Image.open(path) as im:
                im = im.convert("L")
                im.load()
        except Exception as e:  # noqa: BLE001 - report and go on with the next file
            status = 1
            if tsv:
                print(f"#error\t{path}\t{str(e).replace(chr(10), ' ')}")
            else:
                print(f"zxing_read.py: cannot read {path}: {e}", file=sys.stderr)
            continue
        start = time.perf_counter()
        codes = zxingcpp.read_barcodes(im, formats=zxingcpp.BarcodeFormat.QRCode)
        elapsed = time.perf_counter() - start
        for code in codes:
            text = code.text.replace("\r", "\\r").replace("\n", "\\n")
            print(f"{path}\t{text}" if tsv else text)
        if tsv:
            print(f"#time\t{path}\t{elapsed:.4f}")
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
