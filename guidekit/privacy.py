"""Masking personal numbers (ID card, mobile phone, bank card) before text is stored or logged."""
from __future__ import annotations

import re

# 18-character resident ID (last may be X), 11-digit mobile, 16–19-digit bank card; digits may be spaced.
_ID_CARD = re.compile(r"(?<![0-9])([1-9]\d{5})(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}([0-9Xx])(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])")
_CARD = re.compile(r"(?<![0-9])\d(?:[ -]?\d){15,18}(?![0-9])")


def _mask_card(match: re.Match) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_personal_numbers(text: str) -> str:
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + "***" + m.group(2), text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return text
