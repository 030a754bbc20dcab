#!/usr/bin/env bash
# Runs `rmpsnn bench --reference`: RmpSnn and the PyTorch reference, interleaved row by row, on the same threads.
# Installs Debian's python3-torch first if torch cannot be imported. Extra arguments go to `rmpsnn bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's python3-torch lives in the system interpreter (a pyenv python3 on PATH would not see it).
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    apt-get install -y python3-torch
fi
dotnet build RmpSnn.slnx -c Release -v q
exec dotnet run -c Release --no-build --project src/RmpSnn.Cli -- bench --reference "$@"
