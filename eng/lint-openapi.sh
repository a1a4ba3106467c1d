#!/usr/bin/env bash
# Lints docs/openapi.json with Spectral (spectral:oas) and Redocly (recommended rules), installed with npm into a
# temporary directory. Not part of the test command: it needs the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
document="$(pwd)/docs/openapi.json"
tools="$(mktemp -d)"
trap 'rm -rf "${tools}"' EXIT
(cd "${tools}" && npm install --silent --no-audit --no-fund @stoplight/spectral-cli @redocly/cli >/dev/null)
echo 'extends: ["spectral:oas"]' > "${tools}/.spectral.yaml"
status=0
(cd "${tools}" && ./node_modules/.bin/spectral lint --fail-severity=warn "${document}") || status=1
(cd "${tools}" && ./node_modules/.bin/redocly lint --format=summary "${document}") || status=1
exit "${status}"
