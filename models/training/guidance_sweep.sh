#!/bin/bash
# Guidance sweep for a model card: for each scale w, generate 30 images per class (seed 7, DDIM 25) with the
# product's CLI and print the distribution metrics against the real test set as one JSON line per w.
# Usage: models/training/guidance_sweep.sh [model-dir] [out-dir]   (run from the repository root; build first:
#        dotnet build -c Release OnnxDiffusion.sln)
set -euo pipefail
model=${1:-models/fashion-mnist-ddpm}
out=${2:-runs/guidance-sweep}
cli=(dotnet run --no-build -c Release --project src/OnnxDiffusion.Cli --)
for w in 1 1.25 1.5 2 3; do
  "${cli[@]}" generate --model "$model" --per-class 30 --steps 25 --seed 7 --guidance "$w" --out "$out/w$w" > /dev/null
  echo "w=$w $("${cli[@]}" metrics --real data/fashion-mnist --real-split test --fake "$out/w$w" --json)"
done
