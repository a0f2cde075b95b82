#!/usr/bin/python3
"""Trains the feature extractor / judge for the embedded default: a small CNN on the real Fashion-MNIST
train split only, exported to ONNX with two outputs, `logits` [B,10] and `features` [B,128] (the
penultimate layer). The features are the space for Fréchet distance and precision/recall/density/coverage;
the logits are the "label fidelity" judge. Input: `image` [B,1,28,28] float32 in [-1,1], as the U-Net's.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FASHION_CLASSES, load_split, to_model_range, write_json_atomic  # noqa: E402

FEATURE_DIM = 128


class FeatureNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.b1 = nn.BatchNorm2d(32)
        self.c2 = nn.Conv2d(32, 32, 3, padding=1)
        self.b2 = nn.BatchNorm2d(32)
        self.c3 = nn.Conv2d(32, 64, 3, padding=1)
        self.b3 = nn.BatchNorm2d(64)
        self.c4 = nn.Conv2d(64, 64, 3, padding=1)
        self.b4 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64 * 7 * 7, FEATURE_DIM)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(FEATURE_DIM, 10)

    def forward(self, image):
        h = F.relu(self.b1(self.c1(image)))
        h = F.max_pool2d(F.relu(self.b2(self.c2(h))), 2)
        h = F.relu(self.b3(self.c3(h)))
        h = F.max_pool2d(F.relu(self.b4(self.c4(h))), 2)
        features = F.relu(self.fc(h.flatten(1)))
        return self.head(self.drop(features)), features


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits, _ = model(x[i:i + batch])
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return correct / x.shape[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", default=os.path.join(root, "data", "fashion-mnist"))
    p.add_argument("--out", default=os.path.join(root, "models", "fashion-mnist-features"))
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)

    xtr, ytr = load_split(args.data, "train")
    xte, yte = load_split(args.data, "t10k")
    xtr, xte = torch.from_numpy(to_model_range(xtr)), torch.from_numpy(to_model_range(xte))
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)

    model = FeatureNet().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps_per_epoch = (xtr.shape[0] + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=args.epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        total = 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * args.batch:(i + 1) * args.batch]
            xb, yb = xtr[idx].to(device), ytr[idx].to(device)
            flip = torch.rand(xb.shape[0], generator=gen) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)
            logits, _ = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = evaluate(model, xte.to(device), yte.to(device))
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / steps_per_epoch:.4f} test acc {acc:.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)

    model = model.cpu().eval()
    test_acc = evaluate(model, xte, yte)
    os.makedirs(args.out, exist_ok=True)
    tmp = os.path.join(args.out, "features.onnx.tmp")
    torch.onnx.export(model, torch.zeros(2, 1, 28, 28), tmp, opset_version=17, input_names=["image"],
                      output_names=["logits", "features"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}, "features": {0: "batch"}})
    os.replace(tmp, os.path.join(args.out, "features.onnx"))
    torch.save(model.state_dict(), os.path.join(args.out, "features.pt"))
    with torch.no_grad():
        ref_logits, ref_feat = model(xte[:4])
    write_json_atomic(os.path.join(args.out, "features.json"), {
        "format": "onnxdiffusion-features/1",
        "onnx": "features.onnx",
        "input": "image",
        "logits_output": "logits",
        "features_output": "features",
        "feature_dim": FEATURE_DIM,
        "image_size": 28,
        "channels": 1,
        "pixel_range": [-1.0, 1.0],
        "class_names": FASHION_CLASSES,
        "trained_on": "Fashion-MNIST train split (60,000 images), random horizontal flips",
        "epochs": args.epochs,
        "seed": args.seed,
        "test_accuracy": round(test_acc, 4),
        "train_seconds": round(time.time() - t0),
        "reference": {"test_indices": [0, 1, 2, 3], "logits": ref_logits.tolist()},
    })
    print(f"wrote {args.out}: test accuracy {test_acc:.4f}")


if __name__ == "__main__":
    main()
