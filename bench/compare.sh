#!/usr/bin/env bash
# The regression guard: bench/run.sh --compare <git-ref> [--warmup N --measure N --batch-measure N --soak N
# --drain-stall N --drain-limit N | --full]. Checks the ref out in a temporary worktree under /tmp, builds the harness
# (and the bridge it starts) of the ref and of this working tree, runs both with the same settings in one sitting,
# the ref first, then prints one markdown table: each figure both runs printed, the two values and the change in %.
# Settings the ref's harness does not know are dropped for both runs (said on stderr). The worktree is removed on exit;
# with --full the working tree's document becomes docs/benchmarks.md.
# --max-load L: before each run, wait (up to 10 minutes, re-checking every minute) until the 1-minute load average is at
# most L; figures measured while other work shares the cores are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

ref="" settings=() full=0 max_load=""
while [ $# -gt 0 ]; do
  case "$1" in
    --compare) ref="${2:?--compare needs a git ref}"; shift 2 ;;
    --warmup|--measure|--batch-measure|--soak|--drain-stall|--drain-limit|--transport) settings+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --full) full=1; shift ;;
    --max-load) max_load="${2:?--max-load needs a value}"; shift 2 ;;
    *) echo "compare: unknown option $1" >&2; exit 2 ;;
  esac
done
commit=$(git rev-parse --verify --quiet "${ref}^{commit}") || { echo "compare: ${ref} is not a commit" >&2; exit 2; }
label=$(git rev-parse --short "${commit}")
current=$(git describe --always --dirty)

work=$(mktemp -d /tmp/bridge-compare-XXXXXX)
cleanup() {
  git -C "${root}" worktree remove --force "${work}/ref" >/dev/null 2>&1 || true
  rm -rf "${work}"
  git -C "${root}" worktree prune
}
trap cleanup EXIT
trap 'exit 130' INT TERM
progress() { echo "[$(date -u +%H:%M:%S)] compare: $*" >&2; }

git worktree add --detach --quiet "${work}/ref" "${commit}"

# Only the settings both harnesses accept, so both runs use the same ones.
kept=()
for ((i = 0; i < ${#settings[@]}; i += 2)); do
  if grep -rqF -- "\"${settings[i]}\"" "${work}/ref/bench/Bridge.Benchmarks" --include=*.cs; then
    kept+=("${settings[i]}" "${settings[i + 1]}")
  else
    progress "the harness at ${label} has no ${settings[i]}: dropped for both runs"
  fi
done
if [ "${full}" -eq 1 ]; then
  kept=(--full "${kept[@]}")
fi

./eng/setup.sh bench/packages.txt >&2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
harness=bench/Bridge.Benchmarks/bin/Release/net10.0/Bridge.Benchmarks.dll
progress "building ${label} in ${work}/ref"
dotnet build "${work}/ref/bench/Bridge.Benchmarks" -c Release -nologo -clp:ErrorsOnly -v:quiet >&2
progress "building the working tree (${current})"
dotnet build bench/Bridge.Benchmarks -c Release -nologo -clp:ErrorsOnly -v:quiet >&2

# --full writes its document: keep it out of both trees.
output() { [ "${full}" -eq 1 ] && echo "--output ${work}/$1-benchmarks.md" || true; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
wait_for_quiet() {
  [ -z "${max_load}" ] && return
  local now
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    now=$(cut -d' ' -f1 /proc/loadavg)
    awk -v now="${now}" -v max="${max_load}" 'BEGIN { exit !(now <= max) }' && return
    progress "load average ${now} above ${max_load}: waiting a minute"
    sleep 60
  done
  progress "load average still ${now} after 10 minutes: running anyway, the figures are not comparable"
}
wait_for_quiet
load_ref=$(load)
progress "running ${label} with: ${kept[*]:-defaults} (load average ${load_ref})"
(cd "${work}/ref" && dotnet "${harness}" "${kept[@]}" $(output ref)) > "${work}/ref.md" \
  || { progress "the run of ${label} failed (exit $?); nothing to compare"; exit 1; }
wait_for_quiet
load_current=$(load)
progress "running ${current} with: ${kept[*]:-defaults} (load average ${load_current})"
dotnet "${harness}" "${kept[@]}" $(output current) > "${work}/current.md" \
  || { progress "the run of ${current} failed (exit $?); nothing to compare"; exit 1; }
if [ "${full}" -eq 1 ]; then
  # As bench/run.sh --full does: the working tree's document becomes docs/benchmarks.md.
  cp "${work}/current-benchmarks.md" docs/benchmarks.md
  progress "docs/benchmarks.md written from the run of ${current}"
fi

echo "Compared in one sitting, ${label} first, then ${current}; settings: ${kept[*]:-defaults}; load average (1, 5, 15 min) at the start of each run: ${load_ref} / ${load_current}."
echo
dotnet "${harness}" --compare-report "${label}" "${work}/ref.md" "${work}/current.md"
