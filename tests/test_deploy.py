"""render.yaml against the keys Render's Blueprint reference documents as required."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

ROOT_KEYS = {"services", "databases", "envVarGroups", "projects", "ungrouped", "previews"}
SERVICE_TYPES = {"web", "pserv", "worker", "cron", "keyvalue", "redis"}
RUNTIMES = {"docker", "image", "python", "node", "ruby", "go", "rust", "elixir", "static"}
# Each envVars entry has a key and exactly one source.
SOURCES = {"value", "fromDatabase", "fromService", "fromGroup", "generateValue", "sync"}
DATABASE_PROPERTIES = {"connectionString", "host", "port", "user", "password", "database"}


def blueprint() -> dict:
    return yaml.safe_load((ROOT / "render.yaml").read_text())


def test_the_blueprint_has_only_known_root_keys_and_each_resource_its_required_ones() -> None:
    spec = blueprint()
    assert set(spec) <= ROOT_KEYS
    for service in spec["services"]:
        assert {"type", "name", "runtime"} <= set(service)
        assert service["type"] in SERVICE_TYPES and service["runtime"] in RUNTIMES
    for database in spec["databases"]:
        assert "name" in database


def test_every_env_var_has_one_source_and_database_links_resolve() -> None:
    spec = blueprint()
    databases = {d["name"] for d in spec["databases"]}
    for service in spec["services"]:
        for var in service["envVars"]:
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", var["key"])
            assert len(SOURCES & set(var)) == 1, var
            if "fromDatabase" in var:
                assert var["fromDatabase"]["name"] in databases
                assert var["fromDatabase"]["property"] in DATABASE_PROPERTIES
            if "sync" in var:
                assert var["sync"] is False  # secrets are prompted for, never committed


def test_the_web_service_is_the_dockerfile_app_on_its_port_with_its_health_check() -> None:
    [web] = [s for s in blueprint()["services"] if s["type"] == "web"]
    dockerfile = (ROOT / web["dockerfilePath"]).read_text()
    env = {v["key"]: v for v in web["envVars"]}
    assert f"EXPOSE {env['PORT']['value']}" in dockerfile
    assert f"--server.port={env['PORT']['value']}" in dockerfile
    assert web["healthCheckPath"] in dockerfile
    assert env["DATABASE_URL"]["fromDatabase"]["property"] == "connectionString"
    assert "MINI_AGENT_AUTH" in env and "OPENAI_API_KEY" in env
