"""Build a BERT encoder ONNX graph from a safetensors checkpoint using numpy and onnx only."""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper

# Bump whenever the emitted graph changes, so prepared model dirs are rebuilt.
CONVERTER_VERSION = "1"
OPSET = 17  # the first opset with LayerNormalization
OUTPUT_NAME = "last_hidden_state"

_DTYPES: dict[str, np.dtype[Any]] = {
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
}
_MAX_HEADER_BYTES = 100 * 1024 * 1024


class ConversionError(ValueError):
    """The checkpoint or its config cannot be turned into the supported BERT graph."""


@dataclass(frozen=True)
class BertConfig:
    hidden_size: int
    num_layers: int
    num_heads: int
    layer_norm_eps: float

    @classmethod
    def from_json(cls, config: Mapping[str, Any]) -> BertConfig:
        # Anything else would silently produce a different network than the checkpoint's.
        if config.get("model_type") != "bert":
            raise ConversionError(f"unsupported model_type {config.get('model_type')!r}")
        if config.get("hidden_act") != "gelu":
            raise ConversionError(f"unsupported hidden_act {config.get('hidden_act')!r}")
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise ConversionError("only absolute position embeddings are supported")
        parsed = cls(
            hidden_size=int(config["hidden_size"]),
            num_layers=int(config["num_hidden_layers"]),
            num_heads=int(config["num_attention_heads"]),
            layer_norm_eps=float(config["layer_norm_eps"]),
        )
        if parsed.hidden_size % parsed.num_heads:
            raise ConversionError("hidden_size is not a multiple of num_attention_heads")
        return parsed


def read_safetensors(data: bytes) -> dict[str, NDArray[Any]]:
    """Parse a safetensors byte string into arrays that view (not copy) `data`."""
    if len(data) < 8:
        raise ConversionError("safetensors file is truncated")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > min(_MAX_HEADER_BYTES, len(data) - 8):
        raise ConversionError("safetensors header length is out of range")
    header = json.loads(data[8 : 8 + header_len])
    buffer = memoryview(data)[8 + header_len :]
    tensors: dict[str, NDArray[Any]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ConversionError(f"{name}: unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        shape = tuple(int(d) for d in info["shape"])
        if not 0 <= start <= end <= len(buffer) or end - start != dtype.itemsize * math.prod(shape):
            raise ConversionError(f"{name}: data offsets do not match its shape")
        tensors[name] = np.frombuffer(buffer[start:end], dtype=dtype).reshape(shape)
    return tensors


class _GraphBuilder:
    """Accumulates nodes and initializers, handing out unique value names."""

    def __init__(self, weights: Mapping[str, NDArray[Any]]) -> None:
        self._weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[TensorProto] = []
        self._initializer_names: set[str] = set()
        self._counter = 0

    def op(self, op_type: str, *inputs: str, **attrs: Any) -> str:
        self._counter += 1
        out = f"{op_type.lower()}_{self._counter}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out

    def const(self, name: str, value: NDArray[Any]) -> str:
        if name in self._initializer_names:
            raise ValueError(f"duplicate initializer {name!r}")
        self._initializer_names.add(name)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def weight(self, key: str, *, transpose: bool = False) -> str:
        try:
            value = self._weights[key]
        except KeyError:
            raise ConversionError(f"checkpoint has no tensor {key!r}") from None
        # torch Linear stores [out, in]; MatMul wants [in, out].
        value = value.T if transpose else value
        return self.const(key, value.astype(np.float32))

    def linear(self, x: str, prefix: str) -> str:
        w = self.weight(f"{prefix}.weight", transpose=True)
        return self.op("Add", self.op("MatMul", x, w), self.weight(f"{prefix}.bias"))

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        scale, bias = self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=eps)


def _attention(g: _GraphBuilder, h: str, mask_bias: str, prefix: str, cfg: BertConfig) -> str:
    head_dim = cfg.hidden_size // cfg.num_heads
    # Reshape's 0 copies batch and sequence length from the input, keeping both dynamic.
    split_shape = g.const(f"{prefix}.split_shape", np.array([0, 0, cfg.num_heads, head_dim]))
    merge_shape = g.const(f"{prefix}.merge_shape", np.array([0, 0, cfg.hidden_size]))
    scale = g.const(f"{prefix}.scale", np.array(1.0 / math.sqrt(head_dim), dtype=np.float32))

    def heads(name: str, perm: list[int]) -> str:
        projected = g.linear(h, f"{prefix}.self.{name}")
        return g.op("Transpose", g.op("Reshape", projected, split_shape), perm=perm)

    q = heads("query", [0, 2, 1, 3])  # [B, heads, S, d]
    k = heads("key", [0, 2, 3, 1])  # [B, heads, d, S]
    v = heads("value", [0, 2, 1, 3])
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), mask_bias)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    merged = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge_shape)
    out = g.linear(merged, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", out, h), f"{prefix}.output.LayerNorm", cfg.layer_norm_eps)


def _feed_forward(g: _GraphBuilder, h: str, prefix: str, cfg: BertConfig) -> str:
    x = g.linear(h, f"{prefix}.intermediate.dense")
    # Exact (erf) GELU, as BERT's "gelu". Written with Div, not Mul by 1/sqrt(2), because that
    # is the pattern onnxruntime fuses (with the bias Add) into a single BiasGelu kernel.
    sqrt2 = g.const(f"{prefix}.sqrt2", np.array(math.sqrt(2), dtype=np.float32))
    one = g.const(f"{prefix}.one", np.array(1.0, dtype=np.float32))
    half = g.const(f"{prefix}.half", np.array(0.5, dtype=np.float32))
    erf = g.op("Erf", g.op("Div", x, sqrt2))
    gelu = g.op("Mul", g.op("Mul", x, half), g.op("Add", erf, one))
    out = g.linear(gelu, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", out, h), f"{prefix}.output.LayerNorm", cfg.layer_norm_eps)


def build_bert_onnx(
    weights: Mapping[str, NDArray[Any]], config: Mapping[str, Any]
) -> onnx.ModelProto:
    """Return a BertModel encoder graph whose single output is the last hidden state."""
    cfg = BertConfig.from_json(config)
    g = _GraphBuilder(weights)
    ids, mask, types = "input_ids", "attention_mask", "token_type_ids"

    # Position ids 0..S-1 as a CumSum over ones shaped like input_ids: unlike slicing the table
    # to a computed length, this keeps the symbolic [batch, sequence] shape all the way down,
    # which onnxruntime needs to fuse Add + LayerNormalization into SkipLayerNormalization.
    zero, one = g.const("int_zero", np.array(0)), g.const("int_one", np.array(1))
    ones = g.op("Add", g.op("Mul", ids, zero), one)
    position_ids = g.op("Sub", g.op("CumSum", ones, g.const("seq_axis", np.array(1))), one)
    positions = g.op(
        "Gather", g.weight("embeddings.position_embeddings.weight"), position_ids, axis=0
    )
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), ids, axis=0)
    token_types = g.op("Gather", g.weight("embeddings.token_type_embeddings.weight"), types, axis=0)
    embedded = g.op("Add", g.op("Add", words, token_types), positions)
    h = g.layer_norm(embedded, "embeddings.LayerNorm", cfg.layer_norm_eps)

    # Additive mask as in transformers: 0 for real tokens, float32 min for padding.
    mask_f = g.op("Cast", mask, to=TensorProto.FLOAT)
    mask_4d = g.op("Unsqueeze", mask_f, g.const("mask_axes", np.array([1, 2])))
    inverted = g.op("Sub", g.const("mask_one", np.array(1.0, dtype=np.float32)), mask_4d)
    large_negative = np.array(np.finfo(np.float32).min, dtype=np.float32)
    mask_bias = g.op("Mul", inverted, g.const("mask_large_negative", large_negative))

    for i in range(cfg.num_layers):
        prefix = f"encoder.layer.{i}"
        h = _attention(g, h, mask_bias, f"{prefix}.attention", cfg)
        h = _feed_forward(g, h, prefix, cfg)
    g.nodes.append(helper.make_node("Identity", [h], [OUTPUT_NAME]))

    dyn = ["batch", "sequence"]
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        [
            helper.make_tensor_value_info(name, TensorProto.INT64, dyn)
            for name in (ids, mask, types)
        ],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [*dyn, cfg.hidden_size])],
        g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="aurixa-embedding-convert",
        producer_version=CONVERTER_VERSION,
    )
    # Pinned so an older onnxruntime does not reject a file stamped with onnx's newest IR.
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def convert_bytes(safetensors_data: bytes, config: Mapping[str, Any]) -> bytes:
    """Serialized ONNX model for an already-verified safetensors payload."""
    return build_bert_onnx(read_safetensors(safetensors_data), config).SerializeToString()
