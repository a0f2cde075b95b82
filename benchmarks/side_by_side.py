#!/usr/bin/python3
"""OnnxDiffusion (C#) and PyTorch eager side by side on the same weights, the same DDIM loop and the same conditions.

1. Checks that both sides run the same loop: the C# `dump` mode writes x_T and the pipeline's x_0 for a few
   images; benchmarks/pytorch/ddim_bench.py --verify runs its loop from that x_T and compares x_0.
2. Runs the C# `compare` mode and ddim_bench.py ALTERNATELY for --rounds rounds (the order flips every round,
   so slow drift on the machine favours neither side), each a fresh process with the same batch, thread count,
   steps, guidance and number of images.
3. Prints each round's images/s per side, then, as the last two lines:
     speedup vs pytorch-eager: X.XX (median of N rounds, range A.AA–B.BB)
     pipeline overhead vs bare forward: Y.YY (median of N rounds)
   speedup = C# images/s / PyTorch images/s within a round; overhead = C# pipeline time / bare network forward
   time over the same network evaluations, the two interleaved step by step inside the C# process (the C# `compare`
   mode); a further line gives the median of the per-step ratios, which one slow step cannot move.

Standard library only. `dotnet cake --target=BenchCompare` builds the C# side and runs this.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DLL = os.path.join(HERE, "OnnxDiffusion.Benchmarks", "bin", "Release", "net10.0", "OnnxDiffusion.Benchmarks.dll")


def run(cmd, env=None):
    """Runs a command, echoes its output, returns the parsed RESULT line (or None when it has none)."""
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print("    " + line, flush=True)
    if proc.returncode != 0:
        sys.exit(f"side_by_side: {cmd[0]} exited with {proc.returncode}")
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sessions", type=int, default=0,
                   help="C# only: data-parallel ONNX Runtime sessions sharing the threads (0 = the product's default)")
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--guidance", type=float, default=2.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dotnet", default="dotnet")
    p.add_argument("--csharp-dll", default=DEFAULT_DLL, help="the built benchmark project (Release)")
    p.add_argument("--python", default="/usr/bin/python3", help="interpreter with torch (Debian's python3-torch)")
    p.add_argument("--pytorch-env", action="append", default=[], metavar="KEY=VALUE",
                   help="extra environment for the PyTorch side only (e.g. OMP_WAIT_POLICY=PASSIVE); default: none")
    p.add_argument("--no-verify", action="store_true", help="skip the x_0 equality check")
    p.add_argument("--json-out", help="also write every round's results here")
    a = p.parse_args()
    if a.rounds < 1:
        sys.exit("side_by_side: --rounds must be >= 1")
    if not os.path.exists(a.csharp_dll):
        sys.exit(f"side_by_side: {a.csharp_dll} not found; build benchmarks/OnnxDiffusion.Benchmarks in Release first")

    common = ["--batch", str(a.batch), "--threads", str(a.threads), "--images", str(a.images),
              "--steps", str(a.steps), "--guidance", str(a.guidance), "--seed", str(a.seed)]
    csharp = [a.dotnet, a.csharp_dll, "compare", "--sessions", str(a.sessions)] + common
    pytorch = [a.python, os.path.join(HERE, "pytorch", "ddim_bench.py")] + common
    torch_env = dict(os.environ)
    for kv in a.pytorch_env:
        key, _, value = kv.partition("=")
        torch_env[key] = value

    if not a.no_verify:
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "dump.json")
            run([a.dotnet, a.csharp_dll, "dump", "--out", dump, "--images", "8", "--steps", str(a.steps),
                 "--guidance", str(a.guidance), "--seed", str(a.seed), "--threads", str(a.threads)])
            run([a.python, os.path.join(HERE, "pytorch", "ddim_bench.py"), "--verify", dump, "--threads", str(a.threads)],
                env=torch_env)

    rounds = []
    for r in range(a.rounds):
        print(f"--- round {r + 1}/{a.rounds}", flush=True)
        order = [("csharp", csharp, None), ("pytorch", pytorch, torch_env)]
        if r % 2 == 1:
            order.reverse()
        res = {side: run(cmd, env) for side, cmd, env in order}
        rounds.append(res)

    speedups = [x["csharp"]["images_per_s"] / x["pytorch"]["images_per_s"] for x in rounds]
    overheads = [x["csharp"]["overhead"] for x in rounds]
    step_overheads = [x["csharp"]["overhead_step_median"] for x in rounds]
    print()
    print(f"conditions: batch {a.batch}, {a.threads} threads, DDIM {a.steps} steps, guidance {a.guidance}, "
          f"{a.images} images per side per round, {a.rounds} rounds (alternating order)")
    print(f"C# sessions: {rounds[0]['csharp']['sessions']} (threads {a.threads} in all)")
    print(f"{'round':>5} {'C# images/s':>12} {'PyTorch images/s':>17} {'speedup':>8} {'overhead':>9} {'per-step':>9}")
    for i, (x, s, o, so) in enumerate(zip(rounds, speedups, overheads, step_overheads)):
        print(f"{i + 1:>5} {x['csharp']['images_per_s']:>12.2f} {x['pytorch']['images_per_s']:>17.2f} {s:>8.2f} {o:>9.3f} {so:>9.3f}")
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump({"args": vars(a), "rounds": rounds}, f, indent=2)
    n = len(rounds)
    print(f"speedup vs pytorch-eager: {statistics.median(speedups):.2f} "
          f"(median of {n} rounds, range {min(speedups):.2f}\u2013{max(speedups):.2f})")
    print(f"pipeline overhead per step (median of per-step ratios): {statistics.median(step_overheads):.3f} "
          f"(median of {n} rounds, range {min(step_overheads):.3f}\u2013{max(step_overheads):.3f})")
    print(f"pipeline overhead vs bare forward: {statistics.median(overheads):.2f} "
          f"(median of {n} rounds, range {min(overheads):.3f}\u2013{max(overheads):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
