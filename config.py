"""The one settings object, read from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of Mini-Agent; names are a contract with the README and docker-compose."""

    # `VAR=` (a copied .env.example, docker-compose's pass-through) means unset, for every setting.
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path(".mini-agent"), alias="MINI_AGENT_DATA_DIR")
    model: str = Field(default="gpt-4o-mini", alias="MINI_AGENT_MODEL")
    models: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="MINI_AGENT_MODELS")
    api_base: str | None = Field(default=None, alias="MINI_AGENT_API_BASE")
    request_timeout_s: float = Field(default=60.0, alias="MINI_AGENT_REQUEST_TIMEOUT")
    max_retries: int = Field(default=2, alias="MINI_AGENT_MAX_RETRIES")
    max_prompt_chars: int = Field(default=2_000_000, alias="MINI_AGENT_MAX_PROMPT_CHARS")
    context_tokens: int | None = Field(default=None, alias="MINI_AGENT_CONTEXT_TOKENS")
    max_upload_mb: int = Field(default=200, alias="MINI_AGENT_MAX_UPLOAD_MB")
    max_tool_steps: int = Field(default=6, alias="MINI_AGENT_MAX_TOOL_STEPS")
    turn_workers: int = Field(default=16, ge=1, alias="MINI_AGENT_TURN_WORKERS")
    sandbox_allow_unisolated: bool = Field(
        default=False, alias="MINI_AGENT_SANDBOX_ALLOW_UNISOLATED"
    )
    host: str = Field(default="127.0.0.1", alias="MINI_AGENT_HOST")
    sandbox_mode: Literal["auto", "namespaces", "landlock", "off"] = Field(
        default="auto", alias="MINI_AGENT_SANDBOX_MODE"
    )
    embedding_model: str | None = Field(default=None, alias="MINI_AGENT_EMBEDDING_MODEL")
    auth: Literal["none", "oidc", "header"] = Field(default="none", alias="MINI_AGENT_AUTH")
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="MINI_AGENT_ADMINS"
    )
    # MINI_AGENT_AUTH=oidc: any OpenID Connect provider (its discovery URL and this app's client).
    oidc_metadata_url: str | None = Field(default=None, alias="MINI_AGENT_OIDC_METADATA_URL")
    oidc_client_id: str | None = Field(default=None, alias="MINI_AGENT_OIDC_CLIENT_ID")
    oidc_client_secret: str | None = Field(default=None, alias="MINI_AGENT_OIDC_CLIENT_SECRET")
    oidc_redirect_uri: str = Field(
        default="http://localhost:8501/oauth2callback", alias="MINI_AGENT_OIDC_REDIRECT_URI"
    )
    cookie_secret: str | None = Field(default=None, alias="MINI_AGENT_COOKIE_SECRET")
    # MINI_AGENT_AUTH=header: what the trusted proxy sends, and where it signs people out.
    auth_email_header: str = Field(default="X-Forwarded-Email", alias="MINI_AGENT_AUTH_HEADER")
    sign_out_url: str = Field(default="/oauth2/sign_out", alias="MINI_AGENT_SIGN_OUT_URL")

    @field_validator(
        "database_url", "api_base", "embedding_model", "oidc_metadata_url", "oidc_client_id",
        "oidc_client_secret", "cookie_secret", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        # docker-compose passes `VAR=` for unset host variables; treat it as unset.
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("models", "admins", mode="before")
    @classmethod
    def _split_models(cls, value: str | list[str] | None) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(",")
        return [m.strip() for m in value if m.strip()]

    @property
    def model_choices(self) -> list[str]:
        """The picker's models: MINI_AGENT_MODELS, always including the default model first."""
        choices = [self.model] + [m for m in self.models if m != self.model]
        return choices


def get_settings() -> Settings:
    """Settings as the environment and `.env` say now (cheap; pages call it on every run)."""
    return Settings()
