#!/usr/bin/env bash
# The benchmark command (not a test). Installs what is missing (wrk, rabbitmq-server), builds Release, and runs the
# harness: baselines and bridge scenarios on this machine, a markdown table on stdout.
#   bench/run.sh           quick run (about two minutes, soak shortened)
#   bench/run.sh --full    longer phases and the 10-minute soak; writes docs/benchmarks.md
#   bench/run.sh --standards   Bridge's Standard Webhooks signer and CloudEvents readers beside the official libraries
#   bench/run.sh --compare REF [settings]   the regression guard: REF and this working tree in one sitting, one
#                table of both columns and the change per figure (bench/compare.sh)
#   bench/run.sh --transport embedded|rabbitmq   only that transport's bridge scenarios (no baselines, no soak), for profiling
#   bench/run.sh --soak-only [--soak N]   only the soak on a fresh embedded bridge, for profiling
# Further options (seconds): --warmup N --measure N --batch-measure N --soak N --drain-stall N --drain-limit N; --output FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ " $* " == *" --compare "* ]]; then
  exec bench/compare.sh "$@"
fi

./eng/setup.sh bench/packages.txt >&2

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Bridge.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:quiet >&2
exec dotnet bench/Bridge.Benchmarks/bin/Release/net10.0/Bridge.Benchmarks.dll "$@"
