#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset shipped in this folder from Debian's dataset-fashion-mnist package.

Usage: python3 make_subset.py [SOURCE_DIR] [TRAIN_COUNT] [TEST_COUNT]
Defaults: /usr/share/datasets/fashion-mnist, 2000, 500. The output keeps the original format
(gzipped big-endian IDX, magic 0x803 images, 0x801 labels) with the counts in the headers changed;
gzip mtime is 0 so that the files are byte-for-byte reproducible.
"""
import gzip
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return magic, shape, data[4 + 4 * dims:]


def write_idx(path, magic, shape, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(shape), *shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + payload)


def subset(source, prefix, count):
    magic, shape, payload = read_idx(os.path.join(source, prefix + "-images-idx3-ubyte.gz"))
    assert magic == 0x803 and shape[0] >= count, (magic, shape)
    per_image = shape[1] * shape[2]
    write_idx(os.path.join(HERE, prefix + "-images-idx3-ubyte.gz"), magic,
              (count, shape[1], shape[2]), payload[:count * per_image])
    magic, shape, payload = read_idx(os.path.join(source, prefix + "-labels-idx1-ubyte.gz"))
    assert magic == 0x801 and shape[0] >= count, (magic, shape)
    write_idx(os.path.join(HERE, prefix + "-labels-idx1-ubyte.gz"), magic, (count,), payload[:count])


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    train = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    test = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    subset(source, "train", train)
    subset(source, "t10k", test)


if __name__ == "__main__":
    main()
