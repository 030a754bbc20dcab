#!/usr/bin/env bash
# Applies convert -> simulate (Indexed Job) -> merge, each after the previous one completed.
set -euo pipefail
cd "$(dirname "$0")"
for job in convert simulate merge; do
  kubectl apply -f "$job-job.yaml"
  kubectl wait --for=condition=complete --timeout=48h "job/rmpsnn-$job"
done
echo "merged results: /work/runs/sim/merged on the rmpsnn-work volume"
