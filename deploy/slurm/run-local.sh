#!/usr/bin/env bash
# Runs the job array's shard loop on this machine, the way Slurm would: SHARDS processes of simulate-array.sbatch with
# the array variables set, at most PARALLEL at a time, then merge.sbatch. For trying a deployment before submitting it.
#   usage: MODEL=out/fmnist.model SHARDS=3 OUT=runs/local ARGS="--steps 64 --limit 300" deploy/slurm/run-local.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?set MODEL}" "${SHARDS:?set SHARDS}" "${OUT:?set OUT}"
export MODEL OUT ARGS=${ARGS:-} RMPSNN=${RMPSNN:-rmpsnn}
export SLURM_ARRAY_JOB_ID=local SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=$SHARDS SLURM_CPUS_PER_TASK=${SLURM_CPUS_PER_TASK:-1}
mkdir -p "$OUT/logs"
pids=()
for ((i = 0; i < SHARDS; i++)); do
  while (( $(jobs -rp | wc -l) >= ${PARALLEL:-2} )); do wait -n; done
  SLURM_ARRAY_TASK_ID=$i bash "$here/simulate-array.sbatch" > "$OUT/logs/shard-$i.out" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || { echo "shard $i failed: see $OUT/logs/shard-$i.out" >&2; failed=1; }; done
(( failed == 0 )) || exit 1
bash "$here/merge.sbatch"
