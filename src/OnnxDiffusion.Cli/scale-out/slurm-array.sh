#!/bin/bash
# Slurm job array: task i runs shard i/N of one reconstruct run; submit, then merge when all tasks are done.
#
#   jobid=$(sbatch --parsable slurm-array.sh)
#   sbatch --dependency=afterok:$jobid --wrap "onnxdiffusion merge --out $OUT/s0.6 $OUT/s0.6-shard-*"
#
# A requeued or resubmitted task resumes its shard: finished images are kept.
#SBATCH --job-name=onnxdiffusion-reconstruct
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --requeue
set -euo pipefail
N=8
OUT=${OUT:-$PWD/runs}
onnxdiffusion reconstruct \
  --model models/fashion-mnist-ddpm --data data/fashion-mnist --split train \
  --per-class 6000 --strength 0.6 --steps 50 --seed 1 \
  --shard "${SLURM_ARRAY_TASK_ID}/${N}" \
  --out "$OUT/s0.6-shard-${SLURM_ARRAY_TASK_ID}"
