# Sourced by ./run.sh and ./test.sh: make sure .venv exists and holds the pinned requirements.
# Reinstalls only when the requirements file changed, so the second start is instant.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Mini-Agent needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

ensure_venv() {
  local requirements="$1"
  if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
  fi
  local wanted
  wanted="$(cat requirements*.txt | (sha256sum 2>/dev/null || shasum -a 256) | cut -c1-64)"
  # One stamp per set of pinned versions, named by its hash: a requirements change reinstalls
  # once, and checkouts sharing a .venv do not undo each other's stamps.
  local stamp=".venv/.installed-$(basename "$requirements")-$wanted"
  # requirements-dev.txt includes requirements.txt: a dev install also satisfies a run.
  if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-requirements-dev.txt-$wanted" ]; then
    echo "Installing dependencies into .venv (first run only: 1–2 minutes, about 1 GB)…" >&2
    .venv/bin/python -m pip install --disable-pip-version-check -r "$requirements" >&2
    touch "$stamp"
  fi
}
