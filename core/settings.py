"""One Settings object for every process, read from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting has a default that runs the embedded topology offline."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    data_dir: Path = ROOT / "data"
    database_url: str = ""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_recycle_s: int = 3600

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "aurixa-pipeline"
    temporal_ui_port: int = 8233
    # "hot-path-off": the turn's two workflows (conversation, pipeline) run outside the
    # workflow sandbox, every other workflow inside it (ADR 0016); "all": every workflow in
    # the sandbox, as the test suite runs them so a non-deterministic call fails a test.
    workflow_sandbox: Literal["hot-path-off", "all"] = "hot-path-off"
    temporal_tls: bool = False
    temporal_api_key: SecretStr | None = None
    # AES-256-GCM on every Temporal payload (core/codec.py). PAYLOAD_KEYS is
    # "id=<base64 32 bytes>,old-id=..." (the first encrypts, all decrypt); unset, a key is
    # made once in data_dir/payload-keys, which suits only the single-machine topology.
    payload_encryption: bool = True
    payload_keys: SecretStr | None = None
    # JWT bearer tokens beside API keys (api/jwt_auth.py): a shared HS256 secret, or an
    # identity provider's JWKS URL for RS256/ES256. The token's `sub` is a user id of the
    # tenant named by JWT_TENANT_CLAIM; role and patient claims must agree with that user.
    jwt_secret: SecretStr | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_tenant_claim: str = "tenant_id"
    jwt_role_claim: str = "role"
    jwt_patient_claim: str = "patient_id"
    # Browser origins allowed to call the API, the Temporal UI's codec calls included.
    cors_origins: str = "http://127.0.0.1:8233,http://localhost:8233"

    api_host: str = "127.0.0.1"
    api_port: int = 3000
    log_level: str = "INFO"
    log_json: bool = True

    qdrant_url: str | None = None
    qdrant_api_key: SecretStr | None = None
    redis_url: str | None = None

    embedding_model_dir: Path | None = None

    # One deployment the simple way: "offline" is the grounded responder; openai, anthropic,
    # gemini and openai_compatible go through LiteLLM. LLM_DEPLOYMENTS (JSON) replaces it
    # with a list; an admin's stored routing (platform_config) replaces both at run time.
    llm_provider: Literal["offline", "openai", "anthropic", "gemini", "openai_compatible"] = (
        "offline"
    )
    llm_model: str = "gpt-4o-mini"
    llm_api_base: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 30.0
    llm_max_tokens: int = 512
    llm_deployments: str | None = None
    llm_cooldown_s: float = 30.0
    llm_max_retry_delay_s: float = 10.0
    llm_config_ttl_s: float = 5.0
    llm_spend_cache_s: float = 5.0
    llm_monthly_budget_usd: float | None = None
    llm_budget_policy: Literal["downgrade", "refuse"] = "downgrade"
    llm_budget_downgrade_to: str | None = None
    # The tenant whose admins may change platform-wide settings (the LLM routing) through the
    # API; unset, only the environment configures them.
    platform_admin_tenant_id: int | None = None

    intent_abstain_threshold: float = 0.45
    # Languages the product detects and answers in (each needs a core/texts module); a
    # message in none of them is answered in the first.
    languages: str = "en,es"
    retrieval_top_k: int = 4
    retrieval_rrf_k: int = 60
    retrieval_fusion: Literal["hybrid", "weighted"] = "hybrid"
    retrieval_fusion_alpha: float = 0.5
    retrieval_min_dense_score: float = 0.32
    retrieval_rerank: Literal["none", "keyword", "mmr", "keyword+mmr"] = "keyword"
    retrieval_keyword_boost: float = 0.3
    retrieval_mmr_lambda: float = 0.7
    retrieval_context_tokens: int = 400
    # Salt of the PII "hash" operator: the same value hashes the same across restarts.
    pii_hash_secret: SecretStr | None = None
    knowledge_heartbeat_timeout_s: float = 30.0
    knowledge_batch_size: int = 32
    knowledge_max_article_chars: int = 100_000

    conversation_max_turns_per_run: int = 40
    conversation_idle_timeout_s: int = 3600
    conversation_history_turns: int = 6
    # How long a plan held for the user's yes (cancel, reschedule) waits for the next turn.
    conversation_confirmation_timeout_s: int = Field(default=600, ge=1)
    stream_batch_ms: int = 40

    max_prompt_chars: int = 4000
    # Larger request bodies get a typed 413 before any route reads them (article imports
    # are the largest legitimate bodies: knowledge_max_article_chars of UTF-8 and JSON).
    max_body_bytes: int = 1_048_576
    # All request headers together; a bearer JWT is a few KB, a browser's cookies rarely more.
    max_header_bytes: int = 32_768
    turn_timeout_s: float = 180.0
    rate_limit_per_minute: int = 200
    rate_limit_window_s: int = 60

    # Voice (activities/voice, ADR 0017). Speech runs on its own task queue so voice workers
    # scale apart; WORKER_ROLE picks what one worker process serves.
    worker_role: Literal["all", "pipeline", "voice"] = "all"
    voice_task_queue: str = "aurixa-voice"
    # "tiny.en": English, fast; "base": multilingual (Spanish callers), slower, more accurate.
    voice_stt_model: Literal["tiny.en", "base"] = "tiny.en"
    # Synthesize replies with piper when the `tts` extra is installed; off, replies are text.
    voice_tts: bool = True
    voice_max_seconds: float = Field(default=60.0, gt=0)
    voice_max_bytes: int = 8_388_608
    # Where audio waits, encrypted, between the API and the voice worker (core/blobs.py);
    # every machine running either must see the same directory.
    blob_dir: Path | None = None
    voice_timeout_s: float = 60.0
    # Silence after speech that ends a caller's turn on /ws/voice.
    voice_end_silence_s: float = Field(default=0.5, gt=0)
    # How long a speech request waits for a free voice worker before a 503.
    voice_queue_wait_s: float = 20.0

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Operators paste plain postgres URLs; the app needs the asyncpg driver.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+asyncpg://" + value[len(prefix) :]
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'aurixa.db'}"

    @property
    def model_dir(self) -> Path:
        return self.embedding_model_dir or self.data_dir / "models" / "all-minilm-l6-v2-onnx"

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.languages.split(",") if code.strip())

    @property
    def fit_cache_dir(self) -> Path:
        """Fitted classifiers, keyed by what they were fitted on (beside the model)."""
        return self.model_dir.parent / "fitted"

    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / "qdrant"

    @property
    def blob_path(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"

    @property
    def whisper_dir(self) -> Path:
        """Where whisper base is assembled from its two packages (activities/voice/models)."""
        return self.data_dir / "models" / "whisper"

    @property
    def payload_keys_file(self) -> Path:
        return self.data_dir / "payload-keys"

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def demo_keys_file(self) -> Path:
        return self.data_dir / "demo-keys.json"

    stream_poll_ms: int = Field(default=20, description="API subscriber poll interval")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
