"""All configuration, read once from the environment (prefix BANSHI_), typed."""
from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANSHI_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/banshi.db"
    guides_dir: str = "guides"
    # Training sentences: their words form the vocabulary that typed pinyin is converted into.
    nlu_data_dir: str = "nlu_data/train"
    # How often a running process asks whether the published guides changed.
    catalog_refresh_seconds: float = 1.0
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    # Seconds the API waits for Rasa before giving the user the polite hotline answer.
    rasa_timeout: float = 10.0
    hotline: str = "12345"
    timezone: str = "Asia/Shanghai"
    max_text_chars: int = 500


@lru_cache
def get_settings() -> Settings:
    return Settings()
