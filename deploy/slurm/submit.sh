#!/usr/bin/env bash
# Submits a sharded simulation on Slurm: convert once, then N array tasks, then the merge, each waiting for the one before.
#   usage: MODEL=out/resnet20.model SHARDS=16 ARGS="--steps 256" deploy/slurm/submit.sh
# Convert options go in CONVERT_ARGS (e.g. "--norm act-max --encoding direct"). Results land in $OUT (default runs/<date>).
set -euo pipefail
cd "$(dirname "$0")"
: "${MODEL:?set MODEL}" "${SHARDS:?set SHARDS, the number of array tasks}"
export MODEL OUT=${OUT:-$PWD/../../runs/$(date +%Y%m%d-%H%M%S)} ARGS=${ARGS:-} RMPSNN=${RMPSNN:-rmpsnn}
mkdir -p "$OUT"
# shellcheck disable=SC2086
convert=$(sbatch --parsable --job-name=rmpsnn-convert --cpus-per-task=8 --mem=16G --time=04:00:00 \
  --wrap "$RMPSNN convert '$MODEL' ${CONVERT_ARGS:-}")
array=$(sbatch --parsable --dependency=afterok:"$convert" --array=0-$((SHARDS - 1)) --export=ALL simulate-array.sbatch)
merge=$(sbatch --parsable --dependency=afterok:"$array" --export=ALL merge.sbatch)
echo "convert $convert -> simulate array $array ($SHARDS shards) -> merge $merge; results in $OUT/merged"
