"""Any recording people send, as 16 kHz mono float samples: WAV at any rate and channel count, a browser's
WebM/Opus (MediaRecorder), WeChat's AMR-NB, Ogg/Opus, MP3 ….

Decoding goes through PyAV (FFmpeg, the library faster-whisper itself uses), never a hand-written parser: a
container we have not thought of still works, and a damaged one fails inside FFmpeg's checked code, which
we turn into one `AudioUnreadable`. The length is checked while decoding, so a long recording is refused
before it fills memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np

SAMPLE_RATE = 16000
# Loudness below which a recording holds nobody speaking (dBFS of its loudest 30 ms). Speech near a
# microphone is -30 … -10; a quiet room -60 or less.
SILENCE_DBFS = -45.0


class AudioUnreadable(ValueError):
    """Not audio we can decode (a damaged file, a picture, no sound track); the message says what FFmpeg said."""


class AudioTooLong(ValueError):
    """Longer than the limit; raised as soon as the limit is passed."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE, in [-1, 1]

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def loudest_dbfs(self, window: float = 0.03) -> float:
        """The loudness of the loudest short stretch: one cough is loud, a hiss is not."""
        size = int(SAMPLE_RATE * window)
        if len(self.samples) < size:
            return -120.0
        frames = self.samples[: len(self.samples) // size * size].reshape(-1, size).astype(np.float64)
        rms = float(np.sqrt((frames**2).mean(axis=1)).max())
        return 20 * np.log10(max(rms, 1e-6))

    @property
    def silent(self) -> bool:
        return self.seconds < 0.2 or self.loudest_dbfs() < SILENCE_DBFS

    def pcm16(self) -> bytes:
        return (np.clip(self.samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def decode(data: bytes, max_seconds: float = 60.0) -> Audio:
    """The recording as 16 kHz mono float32; raises AudioUnreadable or AudioTooLong."""
    import av  # PyAV: imported here so that importing the API does not load FFmpeg

    if not data:
        raise AudioUnreadable("empty upload")
    limit = int(max_seconds * SAMPLE_RATE)
    chunks = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioUnreadable("no sound track")
            stream = container.streams.audio[0]
            # Resampled with its own channels kept, then averaged here: FFmpeg's down-mix adds 3 dB to a
            # stereo recording of one voice (both channels alike), which clips a loud one.
            resampler = None
            for frame in container.decode(stream):
                if resampler is None:
                    resampler = av.AudioResampler(format="fltp", layout=frame.layout.name, rate=SAMPLE_RATE)
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().mean(axis=0)
                    total += len(chunk)
                    if total > limit:
                        raise AudioTooLong(f"over {max_seconds:g} s")
                    chunks.append(chunk)
            for out in resampler.resample(None) if resampler else []:  # what the resampler still holds
                chunks.append(out.to_ndarray().mean(axis=0))
    except (AudioTooLong, AudioUnreadable):
        raise
    except Exception as exc:  # noqa: BLE001 — FFmpeg's errors (InvalidDataError, EOF, codec errors …) and
        # PyAV's own (ValueError on a bad layout): whatever it is, the upload is not audio we can read.
        raise AudioUnreadable(f"{type(exc).__name__}: {exc}"[:200]) from None
    if not chunks:
        raise AudioUnreadable("the recording holds no audio")
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    if len(samples) > limit:
        raise AudioTooLong(f"over {max_seconds:g} s")
    return Audio(samples)


def encode(audio: Audio, fmt: str = "wav", rate: int = SAMPLE_RATE, channels: int = 1) -> bytes:
    """The samples in another container and codec ("wav", "ogg" (Opus), "amr" (AMR-NB, 8 kHz), "webm" (Opus)):
    how the tests and the test-audio script make what browsers and WeChat send."""
    import av

    codec, container_format, codec_rate = {
        "wav": ("pcm_s16le", "wav", rate),
        "ogg": ("libopus", "ogg", 48000),
        "webm": ("libopus", "webm", 48000),
        "amr": ("libopencore_amrnb", "amr", 8000),
    }[fmt]
    layout = "stereo" if channels == 2 else "mono"
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container_format) as container:
        stream: Any = container.add_stream(codec, rate=codec_rate, layout=layout)  # an AudioStream
        if fmt == "amr":
            stream.bit_rate = 12200
        elif fmt in ("ogg", "webm"):
            stream.bit_rate = 24000
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=codec_rate)
        source = np.clip(audio.samples, -1.0, 1.0).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(source.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for piece in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(piece):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
