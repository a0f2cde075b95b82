#!/usr/bin/python3
"""PyTorch twin of the `cnn` classifier kind (src/OnnxDiffusion.Classification/CnnKind.cs): same architecture and recipe.

Architecture (channels and size from the data): per block, conv 3x3 (padding 1) -> batch norm -> ReLU -> max-pool 2x2; then flatten,
a hidden dense layer with ReLU, and a linear layer to the class scores. Recipe: Adam, a fixed number of epochs, batch 64,
each epoch a fresh shuffle and a random horizontal flip per image (p = 1/2), and a cosine learning-rate decay over the steps (--constant-lr
leaves it out, to measure what it does to the spread between seeds). Pixels scaled p / 255.

The default protocol: the first --per-class images of each class of the Fashion-MNIST training file (file order), scored
on all 10,000 test images, one classifier per seed. Prints per seed accuracy and seconds (train, score), then one line
`RESULT {json}`.

Run with Debian's interpreter: /usr/bin/python3 benchmarks/pytorch/cnn_twin.py --seeds 0 1 2 --threads 1
"""
import argparse
import gzip
import json
import math
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.path.join(HERE, "..", "..", "data", "fashion-mnist"))


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Cnn(nn.Module):
    def __init__(self, channels, height, width, classes, widths, hidden, batchnorm):
        super().__init__()
        convs, norms, c, h, w = [], [], channels, height, width
        for out in widths:
            convs.append(nn.Conv2d(c, out, 3, padding=1))
            norms.append(nn.BatchNorm2d(out) if batchnorm else nn.Identity())
            c, h, w = out, h // 2, w // 2
        self.convs = nn.ModuleList(convs)
        self.norms = nn.ModuleList(norms)
        self.hidden = nn.Linear(c * h * w, hidden)
        self.out = nn.Linear(hidden, classes)

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = F.max_pool2d(F.relu(norm(conv(x))), 2)
        return self.out(F.relu(self.hidden(torch.flatten(x, 1))))


def train(x, y, classes, args, seed):
    torch.manual_seed(seed)
    model = Cnn(x.shape[1], x.shape[2], x.shape[3], classes, args.widths, args.hidden, not args.no_batch_norm)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = x.shape[0]
    per_epoch = (n + args.batch - 1) // args.batch
    total = per_epoch * args.epochs
    gen = torch.Generator().manual_seed(seed)
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(n, generator=gen)
        flips = torch.rand(n, generator=gen) < 0.5
        for b in range(per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            xb = x[idx]
            fb = flips[idx]
            if not args.no_flip:
                xb = torch.where(fb[:, None, None, None], torch.flip(xb, dims=[3]), xb)
            for g in opt.param_groups:
                g["lr"] = args.lr if args.constant_lr else args.lr * 0.5 * (1 + math.cos(math.pi * step / total))
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    return model


def score(model, x, y):
    model.eval()
    right = 0
    with torch.no_grad():
        for b in range(0, x.shape[0], 256):
            right += (model(x[b:b + 256]).argmax(1) == y[b:b + 256]).sum().item()
    return right / x.shape[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=50)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--widths", type=int, nargs="+", default=[16, 32])
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--no-batch-norm", action="store_true", help="leave out batch normalisation after each convolution")
    ap.add_argument("--no-flip", action="store_true", help="leave out the random horizontal flips")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--constant-lr", action="store_true", help="keep the learning rate constant (no cosine decay)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    train_x, train_y = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    test_x, test_y = read_idx("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")
    classes = int(train_y.max()) + 1
    pick = np.concatenate([np.flatnonzero(train_y == c)[:args.per_class] for c in range(classes)])
    pick.sort()
    x = torch.from_numpy(train_x[pick].astype(np.float32) / 255.0)[:, None]
    y = torch.from_numpy(train_y[pick].astype(np.int64))
    tx = torch.from_numpy(test_x.astype(np.float32) / 255.0)[:, None]
    ty = torch.from_numpy(test_y.astype(np.int64))

    rows = []
    for seed in args.seeds:
        t0 = time.perf_counter()
        model = train(x, y, classes, args, seed)
        t1 = time.perf_counter()
        acc = score(model, tx, ty)
        t2 = time.perf_counter()
        rows.append({"seed": seed, "accuracy": acc, "train_s": t1 - t0, "score_s": t2 - t1})
        print(f"seed {seed}: accuracy {acc:.4f}  train {t1 - t0:.2f} s  score {t2 - t1:.2f} s", flush=True)
    accs = [r["accuracy"] for r in rows]
    summary = {
        "engine": f"pytorch {torch.__version__}", "threads": args.threads, "per_class": args.per_class,
        "epochs": args.epochs, "widths": args.widths, "hidden": args.hidden, "lr": args.lr, "constant_lr": args.constant_lr,
        "batch_norm": not args.no_batch_norm, "flip": not args.no_flip,
        "mean_accuracy": statistics.mean(accs), "sd_accuracy": statistics.stdev(accs) if len(accs) > 1 else float("nan"),
        "median_train_s": statistics.median(r["train_s"] for r in rows),
        "median_score_s": statistics.median(r["score_s"] for r in rows), "rows": rows,
    }
    print(f"mean {summary['mean_accuracy']:.4f} sd {summary['sd_accuracy']:.4f}")
    print("RESULT " + json.dumps(summary))


if __name__ == "__main__":
    main()
