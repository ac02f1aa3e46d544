"""Tests that change BANSHI_… variables read the settings afresh: the shared ones and the API's own."""

from api.settings import get_api_settings
from guidekit.settings import get_settings


def reset_settings() -> None:
    get_settings.cache_clear()
    get_api_settings.cache_clear()
