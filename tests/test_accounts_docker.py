"""The two GitHub sign-in routes in docker-compose.yml, checked without an engine."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.test_docker import compose_config


def test_without_a_profile_the_app_is_published_on_this_machine_only() -> None:
    config = compose_config({})
    assert sorted(config["services"]) == ["app", "postgres"]
    [port] = config["services"]["app"]["ports"]
    assert port["host_ip"] == "127.0.0.1"


def test_github_through_oauth2_proxy_publishes_only_the_proxy() -> None:
    config = compose_config({"COMPOSE_PROFILES": "github", "GITHUB_CLIENT_ID": "id"})
    app, proxy = config["services"]["app-github"], config["services"]["oauth2-proxy"]
    assert not app.get("ports")
    assert app["environment"]["MINI_AGENT_AUTH"] == "header"
    env = proxy["environment"]
    assert env["OAUTH2_PROXY_PROVIDER"] == "github"
    assert env["OAUTH2_PROXY_UPSTREAMS"] == "http://app-github:8501"
    assert env["OAUTH2_PROXY_PASS_USER_HEADERS"] == "true"
    assert app["environment"]["MINI_AGENT_AUTH_HEADER"] == "X-Forwarded-Email"
    assert env["OAUTH2_PROXY_CLIENT_ID"] == "id"


def test_github_through_dex_signs_in_with_oidc_against_the_shipped_config() -> None:
    config = compose_config({"COMPOSE_PROFILES": "github-dex"})
    app, dex = config["services"]["app-dex"], config["services"]["dex"]
    env = app["environment"]
    assert env["MINI_AGENT_AUTH"] == "oidc"
    assert app["network_mode"] == "service:dex"
    dex_config = yaml.safe_load(Path(ROOT / "deploy/dex/config.yaml").read_text())
    assert env["MINI_AGENT_OIDC_METADATA_URL"] == (
        dex_config["issuer"] + "/.well-known/openid-configuration")
    [client] = dex_config["staticClients"]
    assert client["id"] == env["MINI_AGENT_OIDC_CLIENT_ID"]
    assert env["MINI_AGENT_OIDC_REDIRECT_URI"] in client["redirectURIs"]
    assert dex_config["connectors"][0]["type"] == "github"
    assert any(v["target"] == "/etc/dex/config.yaml" for v in dex["volumes"])
