#!/usr/bin/env bash
# Max-pooling conversion on the shipped Fashion-MNIST sample (6000 training / 1000 test images): a smallcnn trained with
# max-pooling, converted with the spike gate (--maxpool gate) or with average pooling put in its place (--maxpool avg),
# against the same network trained with average pooling from the start. Outputs go to out/maxpool/; resumable.
# NORMS (default "act-pct spike") picks the balancing runs, LIMIT (default 1000) the number of test images simulated.
set -euo pipefail
cd "$(dirname "$0")/.."
# RMPSNN_CLI=path/to/RmpSnn.Cli.dll runs a copy of the binaries, so rebuilding meanwhile cannot disturb the run.
CLI=${RMPSNN_CLI:-src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll}
[ -n "${RMPSNN_CLI:-}" ] || dotnet build src/RmpSnn.Cli -c Release -v q >/dev/null
O=out/maxpool
step() {   # step OUTPUT COMMAND ARGS…
  local out=$1; shift
  [ -e "$out" ] || /usr/bin/time -f "[$1 $out: %e s wall, peak %M KB]" dotnet "$CLI" "$@"
}
D=(--dataset fashion-mnist-sample)
step $O/mp.model train "${D[@]}" --arch smallcnn --maxpool --epochs 4 --out $O/mp.model
step $O/avg.model train "${D[@]}" --arch smallcnn --epochs 4 --out $O/avg.model
for norm in ${NORMS:-act-pct spike}; do
  step $O/mp.gate.$norm.json convert $O/mp.model "${D[@]}" --norm $norm --maxpool gate --out $O/mp.gate.$norm.json
  step $O/mp.avg.$norm.json convert $O/mp.model "${D[@]}" --norm $norm --maxpool avg --out $O/mp.avg.$norm.json
  step $O/avg.$norm.json convert $O/avg.model "${D[@]}" --norm $norm --out $O/avg.$norm.json
  for run in mp.gate mp.avg avg; do
    step $O/$run-$norm/results.json simulate $O/${run%%.*}.model "${D[@]}" --converted $O/$run.$norm.json --steps 256 --chunk 8 --limit ${LIMIT:-1000} --out $O/$run-$norm
  done
done
