#!/usr/bin/env bash
# Rebuilds samples/fashion-mnist-sample/ from Debian's Fashion-MNIST (apt-get install dataset-fashion-mnist):
# the first 6000 training and the first 1000 test images with their labels, as gzipped IDX files with the
# original names. Byte-reproducible: gzip headers carry no file name and mtime 0.
set -euo pipefail
src="${1:-/usr/share/datasets/fashion-mnist}"
dst="$(cd "$(dirname "$0")" && pwd)/fashion-mnist-sample"
mkdir -p "$dst"
python3 - "$src" "$dst" <<'PY'
import gzip, struct, sys
src, dst = sys.argv[1], sys.argv[2]
for prefix, count in (("train", 6000), ("t10k", 1000)):
    for kind, header_len, item in (("images-idx3-ubyte", 16, 28 * 28), ("labels-idx1-ubyte", 8, 1)):
        name = f"{prefix}-{kind}.gz"
        with gzip.open(f"{src}/{name}", "rb") as f:
            data = f.read()
        header = bytearray(data[:header_len])
        struct.pack_into(">I", header, 4, count)  # item count follows the magic number
        body = header + data[header_len:header_len + count * item]
        with open(f"{dst}/{name}", "wb") as out:
            out.write(gzip.compress(bytes(body), compresslevel=9, mtime=0))
PY
ls -l "$dst"
