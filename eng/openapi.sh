#!/usr/bin/env bash
# Regenerates docs/openapi.json from the document the standalone bridge serves at /openapi/v1.json.
# Review the diff: it is the public API contract that OpenApiDocumentTests holds the build to.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Bridge.sln -nologo -clp:ErrorsOnly
BRIDGE_UPDATE_OPENAPI=1 dotnet test Bridge.Tests --no-build -nologo \
  --filter "FullyQualifiedName~Bridge.Tests.OpenApi.OpenApiDocumentTests.The_served_document_is_the_checked_in_one"
echo "docs/openapi.json updated"
