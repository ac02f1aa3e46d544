"""Train the Rasa model only when its inputs changed: the model file is named by their hash.

`python -m ops.train` prints the model path. Inputs: config.yml, the domain, rules, stories,
the NLU training data and the jieba user dictionary (written from the guides database first).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
USERDICT_DIR = ROOT / "bot" / "jieba_userdict"
MODELS = ROOT / "models"


def training_inputs() -> List[Path]:
    files = [ROOT / "config.yml", ROOT / "bot" / "domain.yml"]
    files += sorted((ROOT / "bot" / "data").rglob("*.yml"))
    files += sorted((ROOT / "nlu_data" / "train").rglob("*.yml"))
    files += sorted(USERDICT_DIR.glob("*.txt"))
    return files


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_userdict_from_db(database_url: str) -> None:
    from guidekit.db.engine import get_engine
    from guidekit.guides.store import list_guides
    from guidekit.understanding.userdict import write_userdict

    with Session(get_engine(database_url)) as session:
        write_userdict(list_guides(session), USERDICT_DIR)


def ensure_model(database_url: str, quiet: bool = False) -> Path:
    """The model for the current inputs, training it first if it is missing."""
    write_userdict_from_db(database_url)
    name = f"banshi-{inputs_hash()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        if not quiet:
            print(f"model up to date: {model.relative_to(ROOT)}")
        return model
    print("training the Rasa model (about 1–2 minutes on 2 cores) …", flush=True)
    started = time.monotonic()
    cmd = [
        str(RASA),
        "train",
        "--config",
        "config.yml",
        "--domain",
        "bot/domain.yml",
        "--data",
        "nlu_data/train",
        "bot/data",
        "--out",
        str(MODELS),
        "--fixed-model-name",
        name,
    ]
    # One thread per op pool and deterministic kernels: the same inputs give the same model, so
    # the accuracy a fresh clone measures is the accuracy measured here.
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        TF_DETERMINISTIC_OPS="1",
        TF_INTER_OP_PARALLELISM_THREADS="1",
        TF_INTRA_OP_PARALLELISM_THREADS="1",
    )
    log = ROOT / "var" / "train.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0 or not model.exists():
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError("rasa train failed (see var/train.log):\n" + "\n".join(tail))
    print(f"trained {model.relative_to(ROOT)} in {time.monotonic() - started:.0f} s", flush=True)
    return model


def main() -> int:
    from guidekit.settings import get_settings

    print(ensure_model(get_settings().database_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
