#!/usr/bin/python3
"""The cnn classifier kind (C#, TorchSharp) and its PyTorch twin side by side on the same protocol.

Both train the same architecture and recipe (see benchmarks/pytorch/cnn_twin.py) on the first --per-class images of
each Fashion-MNIST class (file order) and score all 10,000 test images, once per trainer seed, with the same thread
count. The two sides run alternately for --rounds rounds (the order flips every round, so slow drift on the machine
favours neither), each a fresh process. Prints every classifier's accuracy and seconds, then:
  accuracy: C# mean A (sd), PyTorch mean B (sd), difference A − B
  time per classifier (train + score): C# X s, PyTorch Y s (medians), ratio PyTorch / C# Z×

Standard library only. `dotnet cake --target=BenchCnn` builds the C# side and runs this.
"""
import argparse
import json
import os
import statistics
import sys

import side_by_side  # noqa: E402  (beside this file: its run() echoes a command's output and parses RESULT)

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's interpreter has Debian's python3-torch; another python3 on PATH may not.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
DLL = os.path.join(HERE, "OnnxDiffusion.Benchmarks", "bin", "Release", "net10.0", "OnnxDiffusion.Benchmarks.dll")


def run(cmd):
    """Runs a command (echoing its output, exiting when it fails) and returns its RESULT line's JSON."""
    result = side_by_side.run(cmd)
    if result is None:
        sys.exit(f"cnn_side_by_side: {cmd[0]} printed no RESULT line")
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--per-class", type=int, default=50)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--dll", default=DLL)
    args = p.parse_args()
    csharp = ["dotnet", args.dll, "cnn", "--seeds", ",".join(map(str, args.seeds)), "--threads", str(args.threads),
              "--per-class", str(args.per_class)]
    python = [PYTHON, os.path.join(HERE, "pytorch", "cnn_twin.py"), "--seeds", *map(str, args.seeds),
              "--threads", str(args.threads), "--per-class", str(args.per_class)]
    rows = {"C#": [], "PyTorch": []}
    for r in range(args.rounds):
        order = [("C#", csharp), ("PyTorch", python)]
        for name, cmd in (order if r % 2 == 0 else order[::-1]):
            rows[name].extend(run(cmd)["rows"])
    acc = {k: [x["accuracy"] for x in v] for k, v in rows.items()}
    sec = {k: statistics.median(x["train_s"] + x["score_s"] for x in v) for k, v in rows.items()}
    sd = {k: statistics.stdev(a) if len(a) > 1 else float("nan") for k, a in acc.items()}  # one seed: no sd
    print(f"accuracy: C# mean {statistics.mean(acc['C#']):.4f} (sd {sd['C#']:.4f}), PyTorch mean {statistics.mean(acc['PyTorch']):.4f} "
          f"(sd {sd['PyTorch']:.4f}), difference {statistics.mean(acc['C#']) - statistics.mean(acc['PyTorch']):+.4f}")
    print(f"time per classifier (train + score): C# {sec['C#']:.2f} s, PyTorch {sec['PyTorch']:.2f} s (medians), "
          f"ratio PyTorch / C# {sec['PyTorch'] / sec['C#']:.2f}x")


if __name__ == "__main__":
    main()
