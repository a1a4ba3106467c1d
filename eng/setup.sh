#!/usr/bin/env bash
# Installs what building and testing Bridge needs on a fresh Debian machine with the .NET SDK.
# Idempotent: installs only what is missing. The Debian packages come from the list file given as the first argument
# (default eng/packages.txt, what the tests need; bench/packages.txt is what the benchmarks need).
set -euo pipefail
cd "$(dirname "$0")/.."
packages="${1:-eng/packages.txt}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (10.0.100 or later) is required: https://dot.net" >&2
  exit 1
fi

sdk_major=$(dotnet --version | cut -d. -f1)
if [ "${sdk_major}" -lt 10 ]; then
  echo "setup: .NET SDK 10 or later is required (found $(dotnet --version))" >&2
  exit 1
fi

missing=()
while read -r package binary; do
  [ -z "${package}" ] && continue
  case "${package}" in \#*) continue ;; esac
  if [ ! -e "${binary}" ]; then
    missing+=("${package}")
  fi
done < "${packages}"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: run as root (or with sudo) to install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's postgresql package creates and may start a default cluster on port 5432. The tests run their own
  # throwaway server, so stop that one and keep it from starting at boot: nothing is left running.
  if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header | while read -r version cluster _ status _; do
      if [ "${status}" = "online" ]; then
        pg_ctlcluster "${version}" "${cluster}" stop || true
      fi
      if [ -f "/etc/postgresql/${version}/${cluster}/start.conf" ]; then
        echo manual > "/etc/postgresql/${version}/${cluster}/start.conf"
      fi
    done
  fi
fi

echo "setup: ready (dotnet $(dotnet --version))"
