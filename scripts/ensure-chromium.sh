#!/usr/bin/env bash
# Install Debian's Chromium for the Playwright browser tests when it is missing.
# Under CI=true a failure is fatal; elsewhere the browser tests skip themselves.
set -uo pipefail
command -v chromium >/dev/null && exit 0
echo "Installing Chromium for the browser tests (apt-get)..."
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && exit 0
fi
if [ "${CI:-}" = "true" ]; then echo "Chromium could not be installed and CI requires it"; exit 1; fi
echo "Chromium not available: browser tests will be skipped"
