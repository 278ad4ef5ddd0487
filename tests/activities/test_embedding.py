"""The torch-free ONNX conversion matches sentence-transformers and prepares idempotently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from activities.embedding import Embedder, ModelIntegrityError, prepare_model
from activities.embedding import prepare as prepare_module

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "minilm_reference.json"


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_model(tmp_path_factory.mktemp("embedding") / "minilm-onnx")


@pytest.fixture(scope="session")
def converted_embedder(model_dir: Path) -> Embedder:
    return Embedder(model_dir, threads=2)


def test_matches_sentence_transformers(
    converted_embedder: Embedder, reference: dict[str, Any]
) -> None:
    texts = [case["text"] for case in reference["cases"]]
    expected = np.array([case["embedding"] for case in reference["cases"]], dtype=np.float64)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)  # undo the 6-decimal rounding

    batched = converted_embedder.embed(texts)
    for i, text in enumerate(texts):
        single = converted_embedder.embed_one(text)
        assert float(single @ expected[i]) >= 0.9999, text
        # In a batch the short texts are padded; padding must not change any embedding.
        assert float(batched[i] @ expected[i]) >= 0.9999, text


def test_long_text_is_truncated_like_sentence_transformers(
    converted_embedder: Embedder, reference: dict[str, Any]
) -> None:
    long_case = max(reference["cases"], key=lambda case: len(case["text"]))
    assert reference["max_seq_length"] == 256
    # The paragraph runs past 256 tokens, so this only passes with the same truncation.
    vector = converted_embedder.embed_one(
        long_case["text"] + " Extra words past the cut-off change nothing."
    )
    assert float(vector @ np.array(long_case["embedding"])) >= 0.9999


def test_shape_dtype_and_unit_norm(converted_embedder: Embedder) -> None:
    vectors = converted_embedder.embed(
        ["hello", "a much longer sentence about clinic opening hours", "?"]
    )
    assert converted_embedder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert converted_embedder.embed_one("hello").shape == (384,)
    assert converted_embedder.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        converted_embedder.embed("not a list")


def test_many_texts_keep_input_order(
    converted_embedder: Embedder, reference: dict[str, Any]
) -> None:
    # Enough texts, of mixed lengths, to be sorted and split into several batches.
    words = max(reference["cases"], key=lambda case: len(case["text"]))["text"].split()
    texts = [" ".join(words[: 1 + (i * 37) % 150]) for i in range(80)]
    vectors = converted_embedder.embed(texts)
    for i in (0, 1, 17, 42, 79):
        assert float(vectors[i] @ converted_embedder.embed_one(texts[i])) >= 0.9999


def test_prepare_is_idempotent(model_dir: Path) -> None:
    onnx_file = model_dir / "model.onnx"
    before = onnx_file.stat()
    assert prepare_model(model_dir) == model_dir
    after = onnx_file.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)

    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert manifest["source_sha256"] == prepare_module.SOURCE_SHA256
    assert manifest["onnx_sha256"] == manifest["files"]["model.onnx"]["sha256"]
    assert json.loads((model_dir / "tokenizer_config.json").read_text())["model_max_length"] == 256


def test_tampered_source_hash_is_refused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_module, "SOURCE_SHA256", "0" * 64)
    fresh = tmp_path / "fresh"
    with pytest.raises(ModelIntegrityError, match="sha256"):
        prepare_model(fresh)
    assert not fresh.exists()
    assert not list(tmp_path.glob(".fresh.*.tmp"))

    # A model prepared from the genuine file is left alone, not replaced or deleted.
    before = (model_dir / "model.onnx").stat().st_mtime_ns
    with pytest.raises(ModelIntegrityError):
        prepare_model(model_dir)
    assert (model_dir / "model.onnx").stat().st_mtime_ns == before


def test_missing_model_dir_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"activities\.embedding\.prepare"):
        Embedder(tmp_path)
