#!/usr/bin/env bash
# Start Mini-Agent: ./run.sh [extra streamlit options]. Opens on http://127.0.0.1:8501
# (MINI_AGENT_HOST=0.0.0.0 serves every network interface; see the README first).
source "$(dirname "$0")/scripts/venv.sh"
ensure_venv requirements.txt
export LITELLM_LOCAL_MODEL_COST_MAP=True
host="$(.venv/bin/python -m scripts.prepare | tail -n 1)"
exec .venv/bin/python -m streamlit run app.py --server.address "$host" "$@"
