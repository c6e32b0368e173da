"""The one configuration object, read from TREATYQA_* environment variables or a .env file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.embedding import BUNDLED_MODEL
from ingest.sources import BUNDLED_CORPUS


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "treatyqa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TREATYQA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Embedded Chroma store and indexes")
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="Corpus ingested by default")
    embedding_model: str = Field(BUNDLED_MODEL, description="sentence-transformers model path or name")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded store")
    chroma_port: int = 8000
    collection: str = "treatyqa"

    top_k: int = Field(8, ge=1, le=100, description="Records retrieved per question")
    min_score: float = Field(0.5, ge=0, le=2, description="Below this similarity the answer abstains")

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

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"
