"""The Docker files, checked without an engine (none runs here)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import compose

from tests.conftest import ROOT

COMPOSE = Path(compose.__file__).parent / "docker-compose"


def compose_config(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [str(COMPOSE), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_compose_file_is_valid_and_wires_the_database() -> None:
    config = compose_config({})
    app, postgres = config["services"]["app"], config["services"]["postgres"]
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert app["environment"]["DATABASE_URL"].startswith(
        "postgresql+psycopg://mini_agent:mini_agent@postgres:5432/")
    assert any(v["source"] == "pgdata" for v in postgres["volumes"])
    assert "pgdata" in config["volumes"]


def test_model_settings_and_keys_come_from_the_host(tmp_path) -> None:
    config = compose_config({"MINI_AGENT_MODEL": "ollama/llama3.2", "OPENAI_API_KEY": "sk-test",
                             "MINI_AGENT_API_BASE": "http://host.docker.internal:11434"})
    env = config["services"]["app"]["environment"]
    assert env["MINI_AGENT_MODEL"] == "ollama/llama3.2"
    assert env["OPENAI_API_KEY"] == "sk-test"
    assert env["MINI_AGENT_API_BASE"] == "http://host.docker.internal:11434"


def test_dockerfile_runs_as_a_user_with_a_healthcheck_and_no_secrets() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "\nUSER miniagent" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    for secret in ("API_KEY", "PASSWORD", "SECRET"):
        assert secret not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored
