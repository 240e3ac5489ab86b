#!/usr/bin/env bash
# Start Mini-Agent: ./run.sh [extra streamlit options]. Opens on http://localhost:8501.
source "$(dirname "$0")/scripts/venv.sh"
ensure_venv requirements.txt
exec .venv/bin/python -m streamlit run app.py --browser.gatherUsageStats false "$@"
