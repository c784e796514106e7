#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine. Idempotent: installed
# packages are skipped, so a second run does nothing but check.
set -euo pipefail

packages=(
  golang-go                        # builds the reference yamux peer for interoperability tests
  golang-github-hashicorp-yamux-dev
  curl
  postgresql                       # throwaway clusters for the data tests (initdb, postgres)
  postgresql-client                # psql through TCP tunnels
  openssl                          # s_client against the HTTPS listener
  prometheus                       # promtool (check metrics/rules, test rules) and a real Prometheus scraping fdt-server
  ca-certificates
  chromium                         # the console's pages in a real browser (Playwright drives /usr/bin/chromium)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

as_root=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then
  as_root=(sudo)
fi

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 && ${#as_root[@]} -eq 0 ]]; then
    echo "ERROR: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js test tools (s3rver, the S3-compatible server the inspector's S3 store is tested against),
# pinned by scripts/test-tools/package-lock.json. Debian's nodejs/npm only when none is on PATH.
if ! command -v npm >/dev/null; then
  echo "Installing: nodejs npm"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi

tools="$(dirname "$0")/test-tools"
if [[ ! -x "$tools/node_modules/.bin/s3rver" || "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]]; then
  echo "Installing test tools (npm ci in scripts/test-tools)"
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi

if ! command -v dotnet >/dev/null; then
  echo "ERROR: the .NET SDK (10.0) is not on PATH." >&2
  exit 1
fi

sdk_major=$(dotnet --version | cut -d. -f1)
if [[ "$sdk_major" -lt 10 ]]; then
  echo "ERROR: .NET SDK 10 or newer is required; found $(dotnet --version)." >&2
  exit 1
fi
