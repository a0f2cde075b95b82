"""Shared helpers for the PyTorch tooling that produces the embedded default models.

Kept free of any training logic so that train_ddpm.py, train_features.py, export and the
benchmark peer script all read data and write pictures the same way.
"""
import gzip
import json
import os
import struct
import zlib

import numpy as np

FASHION_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]


def read_idx(path):
    """Reads an IDX file (raw or .gz) of unsigned bytes and returns a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {int(np.prod(dims))} bytes of data, found {body.size}")
    return body.reshape(dims)


def load_split(data_dir, split):
    """Returns (images uint8 [N,28,28], labels int64 [N]) for split 'train' or 't10k'."""
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{data_dir}/{split}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def to_model_range(images_u8):
    """uint8 [0,255] -> float32 [-1,1], with a channel axis."""
    return (images_u8.astype(np.float32) / 127.5 - 1.0)[:, None, :, :]


def write_png_gray(path, pixels_u8):
    """Writes a 2-D uint8 array as an 8-bit greyscale PNG (no PIL on the machine)."""
    h, w = pixels_u8.shape
    raw = b"".join(b"\x00" + pixels_u8[r].tobytes() for r in range(h))

    def chunk(tag, payload):
        c = struct.pack(">I", len(payload)) + tag + payload
        return c + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


def grid_u8(images_m11, rows, cols, pad=2):
    """Tiles [N,1,H,W] images in [-1,1] into one uint8 picture with a dark border."""
    n, _, h, w = images_m11.shape
    out = np.zeros((rows * (h + pad) + pad, cols * (w + pad) + pad), dtype=np.uint8)
    px = np.clip((images_m11[:, 0] + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    for i in range(min(n, rows * cols)):
        r, c = divmod(i, cols)
        out[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = px[i]
    return out


def write_json_atomic(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
