#!/bin/bash
# Submit a generate, reconstruct or reproduce run to Slurm as a job array of shards plus a dependent merge job.
#
#   submit.sh --shards N --out ROOT [--cli CLI] [--sbatch "extra sbatch options"] -- reconstruct|generate|reproduce [options…]
#
# generate / reconstruct: task i runs `onnxdiffusion <command> <options> --shard i/N --out ROOT/shard-i`; the merge job
# runs `onnxdiffusion merge --out ROOT/merged ROOT/shard-*`.
# reproduce: task i runs `onnxdiffusion reproduce <options> --shard i/N --out ROOT`, which makes the synthetic sets that
# shard owns (every replicate × strength, and the generated sets, dealt round-robin); the merge job runs
# `onnxdiffusion reproduce <options> --out ROOT`, which finds them finished and does classification, metrics and the
# report in ROOT.
# Logs: ROOT/logs/task-i.log and ROOT/logs/merge.log. The merge job runs after every task has ended and checks each
# task's exit status first (a failed task fails the merge, naming its log). Submitting the same command again resumes:
# finished images and sets are kept and only what is missing is made. CLI is the built onnxdiffusion.dll (run with dotnet) or an
# executable; default: the Release build of this checkout. Prints "array JOBID merge JOBID".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards="" out="" cli="$here/../../bin/Release/net10.0/onnxdiffusion.dll" extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option '$1' (expected --shards, --out, --cli, --sbatch, then -- and the command)" >&2; exit 2 ;;
  esac
done
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --shards '$shards': expected a positive integer" >&2; exit 2; }
[ -n "$out" ] || { echo "submit.sh: --out is required (the output root)" >&2; exit 2; }
[ $# -ge 1 ] && [[ "$1" == reconstruct || "$1" == generate || "$1" == reproduce ]] || { echo "submit.sh: after --, expected reconstruct, generate or reproduce and its options" >&2; exit 2; }
[ -e "$cli" ] || { echo "submit.sh: --cli $cli: not found (build it: dotnet build src/OnnxDiffusion.Cli -c Release)" >&2; exit 2; }
for a in "$@"; do
  case "$a" in --shard|--out) echo "submit.sh: give $a to submit.sh, not to the command (it sets one for each task)" >&2; exit 2 ;; esac
done
out=$(mkdir -p "$out" && cd "$out" && pwd)
mkdir -p "$out/logs"
if [[ "$cli" == *.dll ]]; then run=(dotnet "$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"); else run=("$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"); fi
printf -v cmd '%q ' "${run[@]}" "$@"
if [ "$1" == reproduce ]; then
  # One run folder: the shards fill its synthetic/ and cache/, the merge job's run reads them and writes the report.
  task_out="$out" final="${cmd}--out $(printf '%q' "$out")"
else
  task_out="$out/shard-"'$i'
  printf -v final '%q ' "${run[@]}"
  final+="merge --out $(printf '%q' "$out/merged") $(for i in $(seq 0 $((shards - 1))); do printf '%q ' "$out/shard-$i"; done)"
  final="rm -rf $(printf '%q' "$out/merged")
$final"
fi

# The task: its own shard folder; the exit status is written last, so the merge job can name a task that failed.
task=$(mktemp "$out/logs/task.XXXX.sh")
cat > "$task" <<TASK
#!/bin/bash
i=\$SLURM_ARRAY_TASK_ID
rm -f "$out/logs/task-\$i.status"
set +e
$cmd --shard "\$i/$shards" --out "$task_out"
echo \$? > "$out/logs/task-\$i.status"
exit \$(cat "$out/logs/task-\$i.status")
TASK
merge=$(mktemp "$out/logs/merge.XXXX.sh")
cat > "$merge" <<MERGE
#!/bin/bash
for i in \$(seq 0 $((shards - 1))); do
  s=\$(cat "$out/logs/task-\$i.status" 2>/dev/null || echo missing)
  if [ "\$s" != 0 ]; then echo "error: task \$i of the array ended with status \$s: see $out/logs/task-\$i.log" >&2; exit 1; fi
done
$final
MERGE
chmod +x "$task" "$merge"
# shellcheck disable=SC2086
array=$(sbatch --parsable $extra --job-name=onnxdiffusion-shards --array=0-$((shards - 1)) --output="$out/logs/task-%a.log" "$task")
# afterany, not afterok: the merge job must run to say which task failed.
# shellcheck disable=SC2086
mjob=$(sbatch --parsable $extra --job-name=onnxdiffusion-merge --dependency=afterany:"${array%%;*}" --output="$out/logs/merge.log" "$merge")
echo "array ${array%%;*} merge ${mjob%%;*}"
