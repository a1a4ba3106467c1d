#!/usr/bin/env bash
# The fault run (not a test; see docs/reliability.md): the bridge split into publisher, two subscribers and replay on
# rabbitmq-server, redis-server (dedupe) and PostgreSQL (store), while a bounded schedule kills and restarts processes
# and servers and the receiver answers 30 % 5xx, 10 % 429 and some slow responses. Prints the report and writes the
# generated section of docs/reliability.md; exits 1 if an accepted event was lost or had a duplicate effect.
#   bench/chaos.sh                      1,000,000 events, the full schedule (outages of 30 s, a fault every 45 s)
#   bench/chaos.sh --events 20000 --quick   a development run: outages of 10 s, a fault every 15 s
# Further options: --concurrency N (publishing callers, 12), --drain-limit SECONDS (600; 180 quick), --output FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

./eng/setup.sh bench/chaos-packages.txt >&2

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Bridge.Chaos -c Release -nologo -clp:ErrorsOnly -v:quiet >&2
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "unknown")
exec dotnet bench/Bridge.Chaos/bin/Release/net10.0/Bridge.Chaos.dll --commit "$commit" --output docs/reliability.md "$@"
