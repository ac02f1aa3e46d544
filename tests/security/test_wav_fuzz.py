"""WAV uploads with mutated headers (issue 12, item 12): every one is either decoded or refused with
AudioUnreadable / AudioTooLong — the kind "请您再说一遍" answer — never an uncaught error (a 500)."""

from __future__ import annotations

import io
import random
import struct
import wave

from api.voice.asr import Transcript
from api.voice.audio import AudioTooLong, AudioUnreadable, decode
from api.voice.hearing import UNREADABLE, hear_now
from api.settings import ApiSettings

MUTATIONS = 300


def _valid_wav(seconds: float = 0.25) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(struct.pack("<h", 1000) * int(16000 * seconds))
    return buffer.getvalue()


# Fields worth hitting on purpose: sizes, format tag, channels, rate, byte rate, block align, bits.
INTERESTING = [0, 1, 2, 3, 0x7F, 0x80, 0xFE, 0xFF]


def _mutations(n: int = MUTATIONS):
    rng = random.Random(20261130)
    base = _valid_wav()
    header = 44
    for i in range(n):
        data = bytearray(base)
        kind = i % 4
        if kind == 0:  # a few random bytes of the header
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(header)] = rng.randrange(256)
        elif kind == 1:  # one header field set to an edge value
            at = rng.randrange(4, header)
            data[at] = rng.choice(INTERESTING)
        elif kind == 2:  # one 16- or 32-bit field replaced whole
            at = rng.randrange(16, header - 4)
            data[at : at + 4] = struct.pack("<I", rng.choice([0, 1, 2, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]))
        else:  # cut short, or header bytes shuffled
            if rng.random() < 0.5:
                data = data[: rng.randrange(1, header + 8)]
            else:
                start = rng.randrange(12, header - 8)
                piece = data[start : start + 8]
                rng.shuffle(piece)
                data[start : start + 8] = piece
        yield bytes(data)


def test_the_unmutated_file_is_read():
    assert abs(decode(_valid_wav()).seconds - 0.25) < 0.01


def test_300_mutated_headers_are_read_or_refused_as_bad_audio():
    uncaught = []
    refused = 0
    for i, data in enumerate(_mutations()):
        try:
            decode(data, max_seconds=60)
        except (AudioUnreadable, AudioTooLong):
            refused += 1
        except Exception as exc:  # noqa: BLE001 — the point of the test
            uncaught.append((i, type(exc).__name__, str(exc)[:60]))
    assert not uncaught, f"{len(uncaught)} of {MUTATIONS} mutated headers raised: {uncaught[:8]}"
    assert refused > 0  # some mutations are bad audio, and said so


class Deaf:
    def listen(self, audio, expecting=()):
        return Transcript("")


def test_what_the_routes_call_answers_every_mutation_in_plain_words():
    """What /voice/audio and /kiosk/audio call: every mutated upload gets a reply text, none an exception."""
    answers = {hear_now(Deaf(), data, ApiSettings()).problem for data in list(_mutations())[:100]}
    assert None not in answers and UNREADABLE in answers
