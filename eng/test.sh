#!/usr/bin/env bash
# The one test command: set-up, build (warnings are errors), format check, every test, and a summary line
# "N passed, N failed, N skipped" computed from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."

./eng/setup.sh || exit 1

results="artifacts/test-results"
rm -rf "${results}"
mkdir -p "${results}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet build Bridge.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  echo "test: the build failed" >&2
  exit 1
fi

if ! dotnet format Bridge.sln --verify-no-changes --no-restore; then
  echo "0 passed, 1 failed"
  echo "test: formatting differs from .editorconfig; run 'dotnet format Bridge.sln'" >&2
  exit 1
fi

dotnet test Bridge.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "${results}"
test_exit=$?

passed=0 failed=0 skipped=0 files=0
for trx in "${results}"/*.trx; do
  [ -e "${trx}" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "${trx}" | head -n 1)
  value() { echo "${counters}" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value total) - $(value executed)))
done

if [ "${files}" -eq 0 ] && [ "${test_exit}" -ne 0 ]; then
  failed=$((failed + 1))
fi

if [ "${failed}" -ne 0 ] && command -v python3 >/dev/null 2>&1; then
  python3 eng/trx-failures.py "${results}"/*.trx || true
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "${test_exit}" -ne 0 ] || [ "${failed}" -ne 0 ] || [ "${passed}" -eq 0 ]; then
  exit 1
fi
