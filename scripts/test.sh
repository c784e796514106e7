#!/usr/bin/env bash
# The one test command: installs prerequisites, checks formatting, builds everything in
# Release and runs every test project. Prints "N passed, N failed" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-test-deps.sh

echo "== restore"
dotnet restore Platform.sln --nologo -v quiet

echo "== format check"
dotnet format Platform.sln --verify-no-changes --no-restore

echo "== build (Release)"
dotnet build Platform.sln -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly

echo "== test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# A test that hangs fails loudly after 10 minutes (the blame collector names it) instead of
# holding the run until CI's own limit.
dotnet test Platform.sln -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-project summaries ("Passed!  - Failed: 0, Passed: 58, Skipped: 0, Total: 58").
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 }
  END { printf "%d %d %d\n", p, f, s }')
projects=$(grep -cE '(Passed|Failed)! +- Failed: ' "$log" || true)
echo
echo "Test projects: $projects"
echo "$passed passed, $failed failed, $skipped skipped"

if [[ $status -ne 0 || $failed -ne 0 ]]; then
  exit 1
fi
if [[ $passed -eq 0 ]]; then
  echo "ERROR: no test ran." >&2
  exit 1
fi
