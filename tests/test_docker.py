"""The Docker files, checked without an engine (none runs here)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import compose

from config import Settings
from tests.conftest import ROOT

COMPOSE = Path(compose.__file__).parent / "docker-compose"


def compose_config(env: dict[str, str], folder: Path = ROOT) -> dict:
    done = subprocess.run(
        [str(COMPOSE), "-f", str(folder / "docker-compose.yml"), "config", "--format", "json"],
        cwd=folder, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env},
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


def test_every_setting_passes_through_except_the_ones_the_stack_fixes() -> None:
    env = compose_config({})["services"]["app"]["environment"]
    fixed = {"DATABASE_URL", "MINI_AGENT_DATA_DIR", "MINI_AGENT_HOST"}
    names = {str(field.alias) for field in Settings.model_fields.values()}
    assert names - fixed <= set(env)
    for key in ("GEMINI_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "AZURE_API_KEY",
                "AWS_ACCESS_KEY_ID"):
        assert key in env


def test_dot_env_reaches_the_app_and_the_shell_wins_but_not_over_the_stack(tmp_path) -> None:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    (tmp_path / ".env").write_text(
        "MINI_AGENT_MODEL=from-dotenv\nGEMINI_API_KEY=g-key\nSOME_NEW_PROVIDER_KEY=n\n"
        "DATABASE_URL=\nMINI_AGENT_DATA_DIR=.mini-agent\n")
    app = compose_config({"MINI_AGENT_MODEL": "from-shell"}, tmp_path)["services"]["app"]
    env = app["environment"]
    assert env["MINI_AGENT_MODEL"] == "from-shell"
    assert (env["GEMINI_API_KEY"], env["SOME_NEW_PROVIDER_KEY"]) == ("g-key", "n")
    assert env["DATABASE_URL"].endswith("@postgres:5432/mini_agent")
    assert env["MINI_AGENT_DATA_DIR"] == "/data"


def test_without_a_dot_env_unset_names_are_left_out_not_passed_empty(tmp_path) -> None:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    env = compose_config({}, tmp_path)["services"]["app"]["environment"]
    assert env["OPENAI_API_KEY"] is None and env["MINI_AGENT_CONTEXT_TOKENS"] is None


def test_the_app_is_published_on_this_machine_only_unless_asked(tmp_path) -> None:
    [port] = compose_config({})["services"]["app"]["ports"]
    assert (port["host_ip"], port["published"]) == ("127.0.0.1", "8501")
    [port] = compose_config({"MINI_AGENT_HOST": "0.0.0.0"})["services"]["app"]["ports"]
    assert port["host_ip"] == "0.0.0.0"


def test_a_server_on_the_host_is_reachable_as_host_docker_internal() -> None:
    app = compose_config({})["services"]["app"]
    assert "host.docker.internal=host-gateway" in app["extra_hosts"]


def test_dockerfile_runs_as_a_user_with_a_healthcheck_and_no_secrets() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "\nUSER miniagent" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    for secret in ("API_KEY", "PASSWORD", "SECRET"):
        assert secret not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored
