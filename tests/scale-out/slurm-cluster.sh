#!/bin/bash
# A real single-node Slurm cluster, started here, running the project's own array script (scale-out/slurm/submit.sh):
#  1. a 4-task reconstruct array plus its merge job must give PNGs and a manifest byte-identical to one local run;
#  2. an array whose task 1 is cancelled (scancel) mid-run, resubmitted, must resume and merge to the same bytes;
#  3. a failing task must fail the merge job, naming its log;
#  4. `reproduce` as a 2-task array (synthesis sets dealt to the tasks) plus the merge job's run (classification, metrics,
#     report) must give the same results, results.json and synthetic sets as one local run; after a set is deleted,
#     resubmitting remakes only that set and the results stay the same.
# Installs Debian's slurmctld, slurmd, slurm-client and munge when missing; starts munged, slurmctld and slurmd without
# systemd under one temp folder; stops every daemon it started, by PID, whatever happens. Needs root (apt, munge user).
# Prints "slurm: N passed, N failed" last; exit 0 only when all passed.
# Usage: tests/scale-out/slurm-cluster.sh [CLI.dll]   (default: the Release build, built if missing)
#        tests/scale-out/slurm-cluster.sh --run 'COMMANDS'   runs COMMANDS (bash, in the repository root) against the
#        started cluster instead of the checks, waits until the queue is empty, then stops it (to try README commands).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
user_run=""
if [ "${1:-}" = --run ]; then user_run=$2; shift 2; fi
cli=${1:-$root/src/OnnxDiffusion.Cli/bin/Release/net10.0/onnxdiffusion.dll}
submit=$root/src/OnnxDiffusion.Cli/scale-out/slurm/submit.sh
passed=0; failed=0
pids=()
work=""
ok() { echo "slurm: PASS $1"; passed=$((passed + 1)); }
bad() { echo "slurm: FAIL $1"; failed=$((failed + 1)); }
finish() {
  [ "$failed" -gt 0 ] && [ -n "${work:-}" ] && tail -n 3 "$work/slurmctld.log" "$work/slurmd.log" 2>/dev/null | sed 's/^/slurm:   /'
  if [ "${#pids[@]}" -gt 0 ]; then
    stop
    local alive=""
    for p in "${pids[@]}"; do [ -d "/proc/$p" ] && [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" != Z ] && alive="$alive $p"; done
    if [ -z "$alive" ]; then ok "every daemon it started (munged, slurmctld, slurmd: PIDs ${pids[*]}) is stopped"; else bad "daemons still running:$alive"; fi
    pids=()
  fi
  echo "slurm: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -qq slurmctld slurmd slurm-client munge || { apt-get update -qq && apt-get install -y -qq slurmctld slurmd slurm-client munge; }) >/dev/null 2>&1 \
    || { bad "install slurmctld slurmd slurm-client munge"; finish; }
fi
[ -e "$cli" ] || dotnet build "$root/src/OnnxDiffusion.Cli" -c Release >/dev/null || { bad "build the CLI"; finish; }

# submit.sh refuses bad arguments with one line and exit 2, before anything is submitted.
check_refused() { # expected text, then the arguments
  local want=$1; shift
  local err rc
  err=$("$submit" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ "$err" == *"$want"* ]]; then ok "submit.sh refuses: $err"; else bad "submit.sh $* gave exit $rc: $err"; fi
}
check_refused "--shards 'x'" --shards x --out /tmp/none -- reconstruct
check_refused "expected reconstruct, generate or reproduce" --shards 2 --out /tmp/none -- metrics
check_refused "give --out to submit.sh" --shards 2 --out /tmp/none --cli "$cli" -- reconstruct --out /tmp/elsewhere


work=$(mktemp -d /tmp/slurm-cluster.XXXX)
chmod 755 "$work"
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null; done
  [ -n "$work" ] && rm -rf "$work"
}
trap stop EXIT

# munge: its key, its run folder, run as the munge user (as root it refuses).
install -d -o munge -g munge -m 0755 /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$work/munged.log" 2>&1 &
pids+=($!)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=onnxdiffusion-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
MinJobAge=300
# CPUs above the real count (4 tasks at once on 2 cores) needs the node to take the configured values.
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=4 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
for _ in $(seq 50); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.1; done
/usr/sbin/slurmctld -D -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ] && break; sleep 0.1; done
if [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" != idle ]; then
  bad "cluster up (sinfo: $(sinfo -h -o %t 2>&1); $(tail -2 "$work/slurmctld.log" 2>/dev/null))"; finish
fi
ok "single-node cluster up (Slurm $(sinfo -V | cut -d' ' -f2))"
if [ -n "$user_run" ]; then
  (cd "$root" && bash -c "$user_run") && ok "ran: $user_run" || bad "ran: $user_run"
  for _ in $(seq 36000); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
  sacct >/dev/null 2>&1; squeue -h -t all -o '%i %j %T' 2>/dev/null | sed 's/^/slurm:   job /'
  finish
fi

# Waits for the merge job to leave the queue; returns its state (COMPLETED, FAILED, …).
wait_job() {
  local job=$1 state
  for _ in $(seq 1800); do
    state=$(squeue -h -t all -j "$job" -o %T 2>/dev/null | head -1)
    case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) echo "$state"; return ;; esac
    sleep 0.1
  done
  echo TIMEOUT_WAITING
}

cmd=(reconstruct --model "$root/models/fashion-mnist-ddpm" --data "$root/data/fashion-mnist" --per-class 6 --steps 10 --strength 0.6 --seed 4 --device cpu)
local_out=$work/local
dotnet "$cli" "${cmd[@]}" --out "$local_out" >/dev/null 2>&1 || { bad "local run"; finish; }
# The shards run in batches of 3 (the local run in one batch of 60): results must not depend on it, and a cancel
# lands between batches of a shard rather than after all of it.
cmd+=(--batch 3)
same() { # PNGs (not grid.png) and the sorted manifest of two folders
  diff <(cd "$1" && find . -name '*.png' ! -name grid.png -print0 | sort -z | xargs -0 sha256sum) \
       <(cd "$2" && find . -name '*.png' ! -name grid.png -print0 | sort -z | xargs -0 sha256sum) >/dev/null &&
  diff <(sort "$1/manifest.jsonl") <(sort "$2/manifest.jsonl") >/dev/null
}

# 1. A 4-task array and its merge.
t0=$(date +%s.%N)
read -r _ array _ merge < <("$submit" --shards 4 --out "$work/run1" --cli "$cli" -- "${cmd[@]}")
state=$(wait_job "$merge")
t1=$(date +%s.%N)
if [ "$state" = COMPLETED ] && same "$local_out" "$work/run1/merged"; then
  ok "4-task array $array + merge $merge byte-identical to one local run ($(python3 -c "print(round($t1-$t0,1))") s)"
else
  bad "4-task array: merge $state; $(tail -1 "$work/run1/logs/merge.log" 2>/dev/null)"
fi

# 2. Cancel task 1 once it has written an image, resubmit, merge.
read -r _ array _ merge < <("$submit" --shards 4 --out "$work/run2" --cli "$cli" -- "${cmd[@]}")
for _ in $(seq 600); do
  [ -n "$(find "$work/run2/shard-1" -name '*.png' ! -name grid.png 2>/dev/null | head -1)" ] && break; sleep 0.05
done
scancel "${array}_1"
state=$(wait_job "$merge")
partial=$(find "$work/run2/shard-1" -name '*.png' ! -name grid.png 2>/dev/null | wc -l)
if [ "$state" != COMPLETED ] && grep -q "task 1" "$work/run2/logs/merge.log" 2>/dev/null; then
  ok "scancel of task 1 fails the merge, naming task 1's log ($partial images of shard 1 kept)"
else
  bad "scancel of task 1: merge $state"
fi
read -r _ array _ merge < <("$submit" --shards 4 --out "$work/run2" --cli "$cli" -- "${cmd[@]}")
state=$(wait_job "$merge")
if [ "$state" = COMPLETED ] && same "$local_out" "$work/run2/merged" && grep -q "already present" "$work/run2/logs/task-1.log"; then
  ok "resubmitted array resumes shard 1 ($(grep -o '[0-9]* already present' "$work/run2/logs/task-1.log")) and merges byte-identical"
else
  bad "resubmitted array: merge $state; $(tail -1 "$work/run2/logs/merge.log" 2>/dev/null)"
fi

# 3. A failing task (an option the CLI refuses) fails the merge, naming its log.
read -r _ array _ merge < <("$submit" --shards 2 --out "$work/run3" --cli "$cli" -- reconstruct --model "$root/models/fashion-mnist-ddpm" --data /nonexistent --per-class 1 --steps 2 --device cpu)
state=$(wait_job "$merge")
if [ "$state" = FAILED ] && grep -q "error: task 0 of the array ended with status 2: see $work/run3/logs/task-0.log" "$work/run3/logs/merge.log"; then
  ok "a failing task fails the merge job, naming its log"
else
  bad "failing task: merge $state; $(cat "$work/run3/logs/merge.log" 2>/dev/null | tail -1)"
fi

# 4. reproduce on the cluster: a small plan (2 replicates × (1 strength + generated) = 4 synthetic sets on 2 tasks).
cat > "$work/plan.json" <<'PLAN'
{"profile": "quick", "per_class": 6, "strengths": [0.5], "steps": 5, "test_limit": 300}
PLAN
rcmd=(reproduce --plan "$work/plan.json" --model "$root/models/fashion-mnist-ddpm" --data "$root/data/fashion-mnist" --device cpu)
dotnet "$cli" "${rcmd[@]}" --out "$work/rlocal" >/dev/null 2>&1 || { bad "local reproduce"; finish; }
same_run() { # results, results.json and every synthetic set's PNGs and manifest
  cmp -s "$1/results.csv" "$2/results.csv" && cmp -s "$1/results.json" "$2/results.json" &&
  diff <(cd "$1/synthetic" && find . -type f ! -name '*.partial' -print0 | sort -z | xargs -0 sha256sum) \
       <(cd "$2/synthetic" && find . -type f ! -name '*.partial' -print0 | sort -z | xargs -0 sha256sum) >/dev/null
}
t0=$(date +%s.%N)
read -r _ array _ merge < <("$submit" --shards 2 --out "$work/run4" --cli "$cli" -- "${rcmd[@]}")
state=$(wait_job "$merge")
t1=$(date +%s.%N)
shares=$(grep -ho 'shard [0-9]/2: [0-9]* of [0-9]*' "$work/run4/logs/task-0.log" "$work/run4/logs/task-1.log" 2>/dev/null | tr '\n' ';')
if [ "$state" = COMPLETED ] && [ -s "$work/run4/report.md" ] && same_run "$work/rlocal" "$work/run4"; then
  ok "reproduce as array $array ($shares) + merge $merge: results and synthetic sets identical to one local run ($(python3 -c "print(round($t1-$t0,1))") s)"
else
  bad "reproduce array: merge $state; $shares $(tail -1 "$work/run4/logs/merge.log" 2>/dev/null)"
fi
gone=$(find "$work/run4/synthetic/r1" -mindepth 1 -maxdepth 1 -name 's0.5-*' | head -1)
rm -rf "$gone" "$work/run4/report.md"
read -r _ array _ merge < <("$submit" --shards 2 --out "$work/run4" --cli "$cli" -- "${rcmd[@]}")
state=$(wait_job "$merge")
if [ "$state" = COMPLETED ] && [ -d "$gone" ] && [ -s "$work/run4/report.md" ] && same_run "$work/rlocal" "$work/run4"; then
  ok "resubmitted reproduce remakes the deleted set $(basename "$gone") and reports the same results"
else
  bad "resubmitted reproduce: merge $state; $(tail -1 "$work/run4/logs/merge.log" 2>/dev/null)"
fi
finish
