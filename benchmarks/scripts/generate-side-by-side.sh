#!/usr/bin/env bash
# `generate` speed of two CLI builds side by side in one session, alternating, N rounds, same model and command;
# prints each run's images/s line and the 1-minute load. For telling a code regression from a slower machine.
# Usage: benchmarks/scripts/generate-side-by-side.sh BEFORE_CLI_DIR AFTER_CLI_DIR [rounds=3] [model=models/fashion-mnist-ddpm]
# A CLI dir holds onnxdiffusion.dll (e.g. src/OnnxDiffusion.Cli/bin/Release/net10.0 of a worktree at the older commit).
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2 rounds=${3:-3} model=${4:-models/fashion-mnist-ddpm}
out=$(mktemp -d)
for i in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    rm -rf "$out/$side"
    line=$(dotnet "$dir/onnxdiffusion.dll" generate --model "$model" --per-class 40 --steps 10 --seed 1 --sampler ddim --out "$out/$side" 2>&1 | grep "images made")
    echo "$i $side load $(cut -d' ' -f1 /proc/loadavg) :: $line"
  done
done
rm -rf "$out"
