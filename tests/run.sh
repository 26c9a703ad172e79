#!/usr/bin/env bash
# Install what the tests need and run them all: the README's test command and CI's.
set -euo pipefail
cd "$(dirname "$0")/.."
# nginx: tests/browser/test_replicas.py puts two app servers behind it (deploy/nginx.conf)
if ! command -v chromium >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium nginx
fi
python3 -m pip install -q -r tests/requirements.txt
# Lint first (rules in pyproject.toml): a finding stops the run before the long tests start.
python3 -m ruff check .
exec python3 -m pytest tests "$@"
