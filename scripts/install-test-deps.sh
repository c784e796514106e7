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
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
      as_root=(sudo)
    else
      echo "ERROR: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
