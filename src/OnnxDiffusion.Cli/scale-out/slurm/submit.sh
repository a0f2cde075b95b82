#!/bin/bash
# Submit a generate or reconstruct run to Slurm as a job array of shards plus a dependent merge job.
#
#   submit.sh --shards N --out ROOT [--cli CLI] [--sbatch "extra sbatch options"] -- reconstruct|generate [options…]
#
# Task i runs `onnxdiffusion <command> <options> --shard i/N --out ROOT/shard-i` (log ROOT/logs/task-i.log); the merge
# job runs after every task has ended, checks each task's exit status (a failed task fails the merge, naming its log)
# and runs `onnxdiffusion merge --out ROOT/merged ROOT/shard-*`. Submitting the same command again resumes: finished
# images are kept by every shard and the merge is redone. CLI is the built onnxdiffusion.dll (run with dotnet) or an
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
[ $# -ge 1 ] && [[ "$1" == reconstruct || "$1" == generate ]] || { echo "submit.sh: after --, expected reconstruct or generate and its options" >&2; exit 2; }
[ -e "$cli" ] || { echo "submit.sh: --cli $cli: not found (build it: dotnet build src/OnnxDiffusion.Cli -c Release)" >&2; exit 2; }
for a in "$@"; do
  case "$a" in --shard|--out) echo "submit.sh: give $a to submit.sh, not to the command (each task gets its own)" >&2; exit 2 ;; esac
done
out=$(mkdir -p "$out" && cd "$out" && pwd)
mkdir -p "$out/logs"
if [[ "$cli" == *.dll ]]; then run=(dotnet "$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"); else run=("$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"); fi
printf -v cmd '%q ' "${run[@]}" "$@"

# The task: its own shard folder; the exit status is written last, so the merge job can name a task that failed.
task=$(mktemp "$out/logs/task.XXXX.sh")
cat > "$task" <<TASK
#!/bin/bash
i=\$SLURM_ARRAY_TASK_ID
rm -f "$out/logs/task-\$i.status"
set +e
$cmd --shard "\$i/$shards" --out "$out/shard-\$i"
echo \$? > "$out/logs/task-\$i.status"
exit \$(cat "$out/logs/task-\$i.status")
TASK
merge=$(mktemp "$out/logs/merge.XXXX.sh")
printf -v mergecmd '%q ' "${run[@]}"
cat > "$merge" <<MERGE
#!/bin/bash
for i in \$(seq 0 $((shards - 1))); do
  s=\$(cat "$out/logs/task-\$i.status" 2>/dev/null || echo missing)
  if [ "\$s" != 0 ]; then echo "error: task \$i of the array ended with status \$s: see $out/logs/task-\$i.log" >&2; exit 1; fi
done
rm -rf "$out/merged"
${mergecmd}merge --out "$out/merged" $(for i in $(seq 0 $((shards - 1))); do printf '%q ' "$out/shard-$i"; done)
MERGE
chmod +x "$task" "$merge"
# shellcheck disable=SC2086
array=$(sbatch --parsable $extra --job-name=onnxdiffusion-shards --array=0-$((shards - 1)) --output="$out/logs/task-%a.log" "$task")
# afterany, not afterok: the merge job must run to say which task failed.
# shellcheck disable=SC2086
mjob=$(sbatch --parsable $extra --job-name=onnxdiffusion-merge --dependency=afterany:"${array%%;*}" --output="$out/logs/merge.log" "$merge")
echo "array ${array%%;*} merge ${mjob%%;*}"
