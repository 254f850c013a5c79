"""`export`: a model → ONNX (input: normalised fbank [B, T, 128]; outputs: patch embeddings
[B, N, D] and, with a head, logits [B, C]) + manifest.json + an onnxruntime parity check."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
from torch import nn

from ..checkpoint import HeadWeights
from ..job import JobSpec, parse_hparams
from ..model import BeatsEncoder, masked_mean, plain_attention
from ..onnx_parity import run_onnx
from ..protocol import Emitter, TrainerError
from ..runtime import Runtime, StopFlag
from .common import prepare_output_dir, starting_model

EXPORT_FORMAT = "openbeats-onnx/1"


@dataclass
class ExportHparams:
    opset: int = 17
    include_head: bool = True
    onnx_file: str = "model.onnx"
    dummy_frames: int = 200  # length of the tracing input; both axes stay dynamic
    parity_frames: int = 328
    parity_batch: int = 2
    parity_tolerance: float = 1e-4
    node: str = ""  # node executable for the onnxruntime-node fallback ("" = PATH / $OPENBEATS_NODE)
    node_modules: str = ""  # folder holding onnxruntime-node ("" = $OPENBEATS_NODE_MODULES)


class ExportWrapper(nn.Module):
    def __init__(self, encoder: BeatsEncoder, head: Optional[HeadWeights]) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(head.weight.shape[1], head.weight.shape[0]) if head is not None else None
        if head is not None and self.head is not None:
            with torch.no_grad():
                self.head.weight.copy_(head.weight)
                self.head.bias.copy_(head.bias)

    def forward(self, fbank: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        patches = self.encoder(fbank).last_hidden
        if self.head is None:
            return (patches,)
        return patches, self.head(masked_mean(patches, None))


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _export(wrapper: ExportWrapper, path: str, opset: int, frames: int, outputs: list) -> None:
    dummy = torch.zeros(1, frames, 128)
    axes = {"fbank": {0: "batch", 1: "frames"}, "patch_embeddings": {0: "batch", 1: "patches"}}
    if "logits" in outputs:
        axes["logits"] = {0: "batch"}
    kwargs: Dict[str, Any] = {"input_names": ["fbank"], "output_names": outputs, "dynamic_axes": axes,
                              "opset_version": opset, "do_constant_folding": True}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch ≥ 2.9 defaults to the dynamo exporter, which needs onnxscript
    with torch.no_grad(), plain_attention():
        torch.onnx.export(wrapper, (dummy,), path, **kwargs)


def run(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    hp = parse_hparams(ExportHparams, spec.hparams)
    prepare_output_dir(spec, runtime)
    if not runtime.is_main:
        return {"status": "completed"}
    start = starting_model(spec, emitter)
    head = start.head if hp.include_head else None
    wrapper = ExportWrapper(start.encoder.cpu().eval(), head).eval()
    outputs = ["patch_embeddings"] + (["logits"] if head is not None else [])
    path = os.path.join(spec.output_dir, hp.onnx_file)
    try:
        _export(wrapper, path, hp.opset, hp.dummy_frames, outputs)
    except Exception as exc:
        raise TrainerError("EXPORT_FAILED", f"torch.onnx.export failed: {exc}") from exc
    emitter.log(f"exported {path}")
    generator = torch.Generator().manual_seed(spec.seed)
    fbank = torch.randn(hp.parity_batch, hp.parity_frames, 128, generator=generator) * 0.5
    with torch.no_grad(), plain_attention():
        expected = [t.numpy() for t in wrapper(fbank)]
    runtime_name, got, reason = run_onnx(path, fbank.numpy(), hp.node or None, hp.node_modules or None)
    parity: Dict[str, Any] = {"input_shape": list(fbank.shape), "tolerance": hp.parity_tolerance}
    if got is None:
        parity.update({"status": "skipped", "reason": reason})
        emitter.log(f"ONNX parity check skipped: {reason}", "warn")
    else:
        diffs = {name: float(np.max(np.abs(got[name] - want))) for name, want in zip(outputs, expected)}
        parity.update({"runtime": runtime_name, "max_abs_diff": diffs,
                       "status": "ok" if max(diffs.values()) <= hp.parity_tolerance else "failed"})
    cfg = start.encoder.cfg
    manifest = {
        "format": EXPORT_FORMAT, "onnx": hp.onnx_file, "sha256": _sha256(path), "opset": hp.opset,
        "input": {"name": "fbank", "shape": ["batch", "frames", 128], "dtype": "float32",
                  "normalization": {"mean": cfg.fbank_mean, "std": cfg.fbank_std,
                                    "formula": "(log_mel_fbank - mean) / (2 * std)"}},
        "outputs": [{"name": "patch_embeddings", "shape": ["batch", "patches", cfg.encoder_embed_dim],
                     "patch_order": "row = t * 8 + f"}]
                   + ([{"name": "logits", "shape": ["batch", len(head.labels)], "pooling": "mean over patches"}]
                      if head is not None else []),
        "labels": head.labels if head is not None else None,
        "activation": ("sigmoid" if head.multi_label else "softmax") if head is not None else None,
        "architecture": {k: v for k, v in cfg.to_dict().items() if k not in ("fbank_mean", "fbank_std")},
        "source": {"checkpoint": start.source, "family": start.family},
        "parity": parity,
        "torch": str(torch.__version__),
    }
    manifest_path = os.path.join(spec.output_dir, "manifest.json")
    with open(manifest_path, "w", encoding="utf-8") as handle:
        json.dump(json.loads(json.dumps(manifest, default=str)), handle, indent=1)
    if parity["status"] == "failed":
        raise TrainerError("EXPORT_FAILED", f"ONNX output differs from PyTorch by {max(parity['max_abs_diff'].values()):.3g}",
                           {"parity": parity, "manifest": manifest_path})
    return {"status": "completed", "outputs": {"onnx": path, "manifest": manifest_path}, "parity": parity}
