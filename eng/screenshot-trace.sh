#!/usr/bin/env bash
# Re-makes docs/screenshots/apphost-trace.png: the Aspire dashboard of Bridge.AppHost showing the trace of one
# delivery retried twice. Builds the AppHost, then runs eng/screenshot-trace.cs (a .NET file-based program), which
# starts a receiver on 127.0.0.1 answering 503, 503, then 204, starts the AppHost with a subscription to it (dashboard
# on a free 127.0.0.1 port, anonymous access), publishes one event, waits for the third attempt, captures the
# dashboard's trace page in Debian's Chromium with Playwright, and stops the AppHost (which stops every server and
# service it started). Needs what ./eng/setup.sh installs (redis-server, rabbitmq-server, postgresql, chromium) and
# the services' launch-profile ports 5081-5083 free. Logs and the page's last text: artifacts/screenshot-trace/.
#   ./eng/screenshot-trace.sh [output.png]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
output="$(realpath -m "${1:-docs/screenshots/apphost-trace.png}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Bridge.AppHost -c Release -nologo -clp:ErrorsOnly
dotnet run eng/screenshot-trace.cs -- "${repo}" "${output}"
