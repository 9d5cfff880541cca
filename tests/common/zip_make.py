"""Writes the zip archives test_zip_check.cpp checks, with Python's zipfile (the reference writer):
  zip_make.py OUT_DIR SEED  ->  stored.zip (random entries, uncompressed, as LibTorch writes them),
  zip64.zip (the same, forced into zip64 records), each with NAME.ranges (one "offset size" line per
  entry: where its data lies, read from the local headers), deflated.zip (one compressible entry,
  deflated), blob.bin and blob.crc (zlib.crc32)."""
import os
import random
import struct
import sys
import zipfile
import zlib

out, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
entries = {f"archive/data/{i}": rng.randbytes(rng.randint(0, 5000)) for i in range(rng.randint(1, 12))}
entries["archive/data.pkl"] = rng.randbytes(300)
with zipfile.ZipFile(os.path.join(out, "stored.zip"), "w", zipfile.ZIP_STORED) as z:
    for name, data in entries.items():
        z.writestr(name, data)
with zipfile.ZipFile(os.path.join(out, "zip64.zip"), "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    for name, data in entries.items():
        with z.open(name, "w", force_zip64=True) as f:
            f.write(data)
with zipfile.ZipFile(os.path.join(out, "deflated.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("archive/code/__torch__.py", b"def forward(self):\n    return self\n" * rng.randint(10, 200))
blob = rng.randbytes(rng.randint(1, 100000))
open(os.path.join(out, "blob.bin"), "wb").write(blob)
open(os.path.join(out, "blob.crc"), "w").write(str(zlib.crc32(blob)))

for name in ("stored.zip", "zip64.zip"):
    path = os.path.join(out, name)
    raw = open(path, "rb").read()
    with zipfile.ZipFile(path) as z, open(path + ".ranges", "w") as ranges:
        for info in z.infolist():
            o = info.header_offset
            name_length, extra_length = struct.unpack("<HH", raw[o + 26:o + 30])
            ranges.write(f"{o + 30 + name_length + extra_length} {info.compress_size}\n")
