"""The one configuration object, read from TREATYQA_* environment variables or a .env file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.encoders import BUNDLED_MODEL, DEFAULT_BACKEND, Backend
from ingest.sources import BUNDLED_CORPUS


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "treatyqa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TREATYQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Embedded Chroma store and indexes")
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="Corpus ingested by default")
    embedding_model: str = Field(BUNDLED_MODEL, description="sentence-transformers model path or name")
    embedding_backend: Backend = Field(
        DEFAULT_BACKEND, description="onnx-int8 (fastest), onnx, torch or torch-int8"
    )
    model_cache: Path | None = Field(
        None, description="ONNX exports of the embedding model; unset = DATA_DIR/models"
    )
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded store")
    chroma_port: int = 8000
    collection: str = "treatyqa"

    top_k: int = Field(8, ge=1, le=100, description="Records retrieved per question")
    min_score: float = Field(
        0.5, ge=0, le=1.5, description="Below this relevance (0-1.5) the answer declines"
    )

    answerer: Literal["extractive", "llm"] = "extractive"
    llm_provider: Literal["openai", "llamacpp"] = Field(
        "openai", description="openai = any OpenAI-compatible server"
    )
    llm_base_url: str | None = Field(
        None, description="e.g. http://127.0.0.1:8080/v1 (vLLM, Ollama, llama.cpp)"
    )
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_model_path: str | None = Field(None, description="GGUF file for the llamacpp provider")
    llm_temperature: float = 0.0
    llm_timeout: float = Field(60.0, gt=0)
    llm_max_tokens: int = Field(300, ge=16)

    max_question_chars: int = Field(2000, ge=10, description="Longer questions are refused")
    max_history_turns: int = Field(20, ge=0, description="Earlier turns a follow-up may draw on")
    max_history_chars: int = Field(20000, ge=0, description="Characters of those turns, at most")
    max_request_bytes: int = Field(
        4_000_000, ge=10_000, description="Larger request bodies are refused (413) before they are read"
    )

    audit_log: Literal["on", "off", "no-text"] = Field(
        "on", description="Log every answer in DATA_DIR/audit.sqlite3; no-text keeps all but the texts"
    )
    audit_retention_days: int = Field(
        365, ge=0, description="Logged answers older than this many days are removed; 0 = kept for ever"
    )

    # The web chat and HTTP API (`treatyqa serve`).
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    root_path: str = Field("", description="Sub-path behind a reverse proxy, e.g. /treaties")
    auth: Literal["none", "token", "header"] = Field("none", description="none, token or header")
    auth_token: SecretStr | None = Field(None, description="Shared password / API token (auth=token)")
    auth_header: str = Field("X-Forwarded-User", description="Header set by the proxy (auth=header)")
    allowed_origins: str = Field("", description="Comma-separated origins allowed to embed the chat")
    rate_limit: str = Field("30/minute", description="Questions per client, e.g. 30/minute, 500/day")
    max_concurrent: int = Field(4, ge=1, description="Answers computed at the same time")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def audit_path(self) -> Path:
        return self.data_dir / "audit.sqlite3"

    @property
    def exports_path(self) -> Path:
        return self.model_cache or self.data_dir / "models"

    @property
    def origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]

    @model_validator(mode="after")
    def _auth_is_complete(self) -> Settings:
        if self.auth == "token" and not (self.auth_token and self.auth_token.get_secret_value()):
            raise ValueError("TREATYQA_AUTH=token needs TREATYQA_AUTH_TOKEN")
        if self.root_path and not self.root_path.startswith("/"):
            raise ValueError("TREATYQA_ROOT_PATH must start with / (e.g. /treaties)")
        self.root_path = self.root_path.rstrip("/")
        return self
