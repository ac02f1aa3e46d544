"""Decoding what people send (WAV at any rate, a browser's WebM/Opus, WeChat's AMR-NB), the limits, the kind
answers, the transcript's tidying and the speech model's file checks — no recogniser needed."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from api.voice import hearing
from api.voice.asr import Transcript, guide_words, tidy_transcript, with_known_words
from api.voice.audio import SAMPLE_RATE, Audio, AudioTooLong, AudioUnreadable, decode, encode
from api.voice.hearing import hear_now
from api.voice.whisper_model import MODEL_SIZE, ModelFileError, check_model_file
from api.settings import ApiSettings

VOICE = Path(__file__).resolve().parents[1] / "data" / "voice"


@pytest.fixture(scope="module")
def speech() -> Audio:
    """A recording the project made (补社保卡要带什么东西, natural voice, Opus in Ogg)."""
    return decode((VOICE / "u01.ogg").read_bytes())


def tone(seconds: float, rate: int = SAMPLE_RATE, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def wav(samples: np.ndarray, rate: int, channels: int = 1) -> bytes:
    frames = np.repeat(samples[:, None], channels, axis=1) if channels > 1 else samples
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def test_the_project_recording_is_speech_of_a_few_seconds(speech):
    assert 1.5 < speech.seconds < 6 and speech.samples.dtype == np.float32
    assert not speech.silent


def test_wav_at_8_khz_stereo_becomes_16_khz_mono_of_the_same_length():
    audio = decode(wav(tone(2.0, rate=8000), rate=8000, channels=2))
    assert abs(audio.seconds - 2.0) < 0.02
    assert 0.25 < float(np.abs(audio.samples).max()) < 0.35  # the level survives the down-mix


@pytest.mark.parametrize("fmt", ["webm", "ogg", "amr"])
def test_browser_and_wechat_formats_decode_to_the_same_speech(speech, fmt):
    data = encode(speech, fmt)
    assert data[:4] == {"webm": b"\x1a\x45\xdf\xa3", "ogg": b"OggS", "amr": b"#!AM"}[fmt]
    again = decode(data)
    assert abs(again.seconds - speech.seconds) < 0.1
    # The same sound: compare loudness over time (codecs change the waveform, not the envelope).
    n = min(len(again.samples), len(speech.samples)) // 800 * 800
    a = np.sqrt((again.samples[:n].reshape(-1, 800) ** 2).mean(axis=1))
    b = np.sqrt((speech.samples[:n].reshape(-1, 800) ** 2).mean(axis=1))
    assert np.corrcoef(a, b)[0, 1] > 0.8


def test_silence_and_a_faint_hiss_are_silent_and_a_tone_is_not():
    assert decode(wav(np.zeros(SAMPLE_RATE * 2, np.float32), SAMPLE_RATE)).silent
    hiss = np.random.default_rng(1).normal(0, 0.002, SAMPLE_RATE * 2).astype(np.float32)
    assert decode(wav(hiss, SAMPLE_RATE)).silent
    assert not decode(wav(tone(1.0), SAMPLE_RATE)).silent


def test_a_recording_over_the_limit_is_refused_while_decoding():
    with pytest.raises(AudioTooLong):
        decode(wav(tone(3.0), SAMPLE_RATE), max_seconds=2.0)
    assert decode(wav(tone(1.9), SAMPLE_RATE), max_seconds=2.0).seconds < 2.0


@pytest.mark.parametrize("data", [b"", b"RIFF....not really", b"\x89PNG\r\n\x1a\n" + bytes(200), bytes(5000)])
def test_what_is_not_audio_is_unreadable(data):
    with pytest.raises(AudioUnreadable):
        decode(data)


class Deaf:
    """A recogniser that must not be asked: the problems are answered before it."""

    def listen(self, audio, expecting=()):
        raise AssertionError("the recogniser was asked")


@pytest.mark.parametrize(
    "data, answer",
    [
        (None, hearing.TOO_LONG),
        (b"not audio at all", hearing.UNREADABLE),
        (wav(np.zeros(SAMPLE_RATE, np.float32), SAMPLE_RATE), hearing.SILENCE),
        (wav(tone(61.0, rate=8000), 8000), hearing.TOO_LONG),
    ],
)
def test_each_problem_gets_its_kind_answer_without_asking_the_recogniser(data, answer):
    heard = hear_now(Deaf(), data, ApiSettings())
    assert heard.transcript == "" and heard.problem == answer


class Hears:
    def __init__(self, text):
        self.text = text

    def listen(self, audio, expecting=()):
        return Transcript(self.text, 0.9 if self.text else None)


def test_nothing_recognised_asks_to_say_it_again(speech):
    assert hear_now(Hears(""), encode(speech, "ogg"), ApiSettings()).problem == hearing.NOT_HEARD
    assert hear_now(Hears("下一个"), encode(speech, "ogg"), ApiSettings()).transcript == "下一个"


def test_the_kind_answers_are_short_polite_and_say_what_to_do():
    for text in (hearing.SILENCE, hearing.NOT_HEARD, hearing.UNREADABLE, hearing.TOO_LONG, hearing.UNAVAILABLE):
        sentences = [s for s in text.replace("。", "。|").split("|") if s]
        assert all(len(s) <= 16 for s in sentences), text
        assert "您" in text or "对不起" in text


@pytest.mark.parametrize(
    "whisper, said",
    [
        ("我80了能办点啥", "我八十了能办点啥"),
        ("打12345问问", "打一二三四五问问"),
        ("九點到五點開門嗎", "九点到五点开门吗"),
        ("社保卡 要带 什么", "社保卡要带什么"),
        ("以下是普通话的句子。补社保卡", "补社保卡"),
        ("请不吝点赞订阅转发打赏支持明镜与点点栏目", ""),
        ("下一个。字幕由Amara.org社区提供", "下一个。"),
        ("证证证证证", ""),  # a beep, not a question about 身份证
        ("证 证 证 证 证", ""),  # the same, spaced (Whisper on a short "对")
        ("好好好,谢谢", "好好好,谢谢"),  # three times is still how people talk
    ],
)
def test_transcripts_are_written_as_people_said_them(whisper, said):
    assert tidy_transcript(whisper) == said


def test_a_model_file_of_the_wrong_size_is_named(tmp_path):
    broken = tmp_path / "model.bin"
    broken.write_bytes(b"x" * 1000)
    with pytest.raises(ModelFileError, match=f"{broken}.*1,000 bytes, expected {MODEL_SIZE:,}"):
        check_model_file(broken)
    with pytest.raises(ModelFileError, match="missing"):
        check_model_file(tmp_path / "nothing.bin")


def test_a_model_file_of_the_right_size_but_other_bytes_is_named_by_its_sha256(tmp_path):
    impostor = tmp_path / "model.bin"
    with impostor.open("wb") as out:
        out.truncate(MODEL_SIZE)
    with pytest.raises(ModelFileError, match=f"{impostor} has sha256"):
        check_model_file(impostor)


WORDS = ["低保", "申请低保", "社保卡", "补社保卡", "身份证", "户口本", "要带"]


@pytest.mark.parametrize(
    "heard, meant",
    [
        ("申请地宝需要什么材料", "申请低保需要什么材料"),
        ("补设保卡药带什么", "补社保卡要带什么"),
        ("身份正丢了", "身份证丢了"),
        ("今天几点开门", "今天几点开门"),  # nothing sounds like a guide's word: unchanged
        ("不是保卡要花钱吗", "补社保卡要花钱吗"),  # one syllable off a four-syllable word, same first letter
        ("不是要花钱吗", "不是要花钱吗"),  # a short word is replaced only when it sounds the same
        ("看不清保卡", "看不清保卡"),  # 清 ≠ 社: another first letter
    ],
)
def test_homophones_of_the_guides_words_are_written_as_the_words(heard, meant):
    assert with_known_words(heard, WORDS) == meant


def test_two_words_that_sound_alike_are_never_guessed_between():
    assert with_known_words("我要办事", ["要办", "药瓣"]) == "我要办事"
    assert with_known_words("我药瓣事", ["要办", "药瓣"]) == "我药瓣事"


def test_the_known_words_are_the_guides_names_aliases_and_materials():
    from guidekit.guides.loader import guide_files, read_guide_file

    guides = [read_guide_file(path) for path in guide_files(Path(__file__).resolve().parents[2] / "guides")]
    words = guide_words(guides)
    assert {"低保", "社保卡丢了", "户口本", "要带"} <= set(words)
