#!/usr/bin/env bash
# Run the whole test suite: ./test.sh [pytest options]. Uses an embedded PostgreSQL unless
# TEST_DATABASE_URL names a server.
source "$(dirname "$0")/scripts/venv.sh"
ensure_venv requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
