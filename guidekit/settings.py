"""The configuration every process shares (the action server, the API, the command line, `ops/`), read once from
the environment (prefix BANSHI_), typed: where the guides and the database are, how the stack is laid out, the
hotline and time zone the answers use, meaning matching. What only the API reads (WeChat, voice, kiosk, editors,
limits) is in api/settings.py, so the action server neither reads nor documents it."""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Optional

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANSHI_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/banshi.db"
    guides_dir: str = "guides"
    # A platform export `make run` imports as drafts for the editors at every start (idempotent: drafts someone
    # touched are kept, published guides only compared): the fictional city's sample catalogue. Empty: none.
    sample_catalogue: str = "catalogue/ankang-export.csv"
    # … with what people say about each of its services (guidekit/catalogue/sayings.py). Empty: none.
    sample_catalogue_sayings: str = "catalogue/ankang-sayings.yml"
    # … and the plain texts its editors wrote (guidekit/catalogue/plain_texts.py). Empty: the suggested ones.
    sample_catalogue_plain: str = "catalogue/ankang-plain.yml"
    # Editors: a guide unchecked for longer than this is overdue (the list, the digest), and where the daily
    # digest (`python -m guidekit.cli digest`) is posted besides the log (JSON), e.g. a chat group's robot.
    editor_verify_days: int = Field(365, ge=1)
    editor_digest_webhook: Optional[str] = None
    # Training sentences: their words form the vocabulary that typed pinyin is converted into.
    nlu_data_dir: str = "nlu_data/train"
    # How often a running process asks whether the published guides changed.
    catalog_refresh_seconds: float = 0.5
    rasa_url: str = "http://127.0.0.1:5005"
    # Production: several Rasa instances (comma-separated) sharing the tracker and lock stores; the
    # API spreads turns over them. Empty → rasa_url alone.
    rasa_urls: str = ""
    # How many Rasa instances `make run` starts (ports rasa_port, +1, …); more than one needs lock_store_url.
    rasa_instances: int = 1
    action_server_url: str = "http://127.0.0.1:5055"
    hotline: str = "12345"
    # Each hall kiosk's own hall (kiosk id → {office name as in the guides → where it is in this hall}, JSON:
    # {"east-1": {"安康市公安局户政服务大厅": "二楼3号窗口"}}): "在哪办" at that kiosk answers "就在本大厅" first.
    kiosk_halls: Dict[str, Dict[str, str]] = Field(default_factory=dict)
    timezone: str = "Asia/Shanghai"
    # Matching messages to guides by meaning (guidekit/understanding/meaning.py); the sayings' vectors are kept here.
    meaning_matching: bool = True
    meaning_cache: str = "var/meaning-cache.npz"
    # Threads the sentence model reads a long message on (its C engine's OpenMP threads; a short one always on
    # one). One by default: on the 2-core machine two read a long story in about 60 % of the time
    # (make bench-resolver p95 20.5 against 32.9 ms), but cost 15 % of the turns per second with 10 sessions at
    # once (make bench: 38-39 against 45-47). Two where the action server has cores of its own.
    meaning_threads: int = Field(1, ge=1, le=16)
    # Build the published guides' matching (sentence model, meaning index, classifiers) when the action server starts,
    # before it reports ready, instead of at the first person's turn (which took over the API's 10 s wait for Rasa on
    # a fresh stack in CI). ops/stack.py sets it; off elsewhere, so that importing the actions builds nothing.
    warm_on_start: bool = False
    # Rasa's tracker store, so that a user who leaves (WeChat unsubscribe) can be forgotten.
    tracker_store_url: str = "sqlite:///var/tracker.db"
    # Redis lock store (redis://host:port/db), needed when several Rasa instances serve one conversation.
    lock_store_url: Optional[str] = None
    # Conversations older than this many days are removed by `python -m guidekit.cli purge`.
    retention_days: int = 180
    # Addresses (or networks) of the reverse proxies whose X-Forwarded-For / -Proto uvicorn believes,
    # comma-separated, e.g. "10.0.0.5" or "10.0.0.0/24". Empty: forwarded headers are ignored and the
    # client address is the connection's (ops/stack.py starts uvicorn with --no-proxy-headers).
    trusted_proxies: str = ""


def rasa_instances(settings: "Settings") -> list:
    return [u.strip() for u in settings.rasa_urls.split(",") if u.strip()] or [settings.rasa_url]


@lru_cache
def get_settings() -> Settings:
    return Settings()
