"""Pieces every job needs: the starting model, the clip datasets and their evaluation batches, the
output folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import torch
from torch import nn
from torch.utils.data import DataLoader

from ..checkpoint import HeadWeights, load_checkpoint, load_encoder_state
from ..config import BeatsConfig, config_from_architecture
from ..data import ClipDataset, ClipSettings, check_audio_readable, collate_clips
from ..job import DataItem, JobSpec
from ..loop import Accumulator
from ..model import BeatsEncoder
from ..protocol import Emitter, TrainerError
from ..runtime import Runtime


@dataclass
class StartingModel:
    encoder: BeatsEncoder
    head: Optional[HeadWeights]
    family: str  # checkpoint family, or "random-init"
    source: Optional[str]


def starting_model(spec: JobSpec, emitter: Emitter, overrides: Optional[Dict[str, Any]] = None) -> StartingModel:
    """The encoder named by `model.checkpoint` (any supported layout) or a seeded random init of
    `model.architecture`; `overrides` replace cfg values (training-time dropout etc.)."""
    src = spec.model
    loaded = None
    if src.checkpoint:
        loaded = load_checkpoint(src.checkpoint, src.config_yaml, src.token_list)
        for warning in loaded.warnings:
            emitter.log(f"{os.path.basename(src.checkpoint)}: {warning}", "warn")
        cfg: BeatsConfig = loaded.cfg
    elif src.architecture:
        cfg = config_from_architecture(src.architecture)
    else:
        raise TrainerError("INVALID_REQUEST", "job.json: model.checkpoint or model.architecture is required")
    changes: Dict[str, Any] = dict(overrides or {})
    if src.fbank_mean is not None:
        changes["fbank_mean"] = float(src.fbank_mean)
    if src.fbank_std is not None:
        changes["fbank_std"] = float(src.fbank_std)
    cfg = cfg.replace(**changes).validate()
    torch.manual_seed(spec.seed)  # random init (and new heads) depend on the job seed only
    encoder = BeatsEncoder(cfg)
    if loaded is not None:
        load_encoder_state(encoder, loaded.encoder_state, src.checkpoint or "checkpoint")
    return StartingModel(encoder, loaded.head if loaded else None, loaded.family if loaded else "random-init",
                         src.checkpoint)


def clip_dataset(items: List[DataItem], spec: JobSpec, encoder: BeatsEncoder, clip_seconds: float,
                 labels: Optional[List[str]] = None) -> ClipDataset:
    check_audio_readable(items)
    settings = ClipSettings(clip_seconds, encoder.cfg.fbank_mean, encoder.cfg.fbank_std, spec.seed)
    return ClipDataset(items, settings, labels)


def train_items(spec: JobSpec, job: str) -> List[DataItem]:
    items = spec.data.split("train")
    if not items:
        raise TrainerError("TRAINING_DATA", f"{job} needs items with split \"train\"")
    return items


def split_clips(spec: JobSpec, split: str, encoder: BeatsEncoder, clip_seconds: float) -> Optional[ClipDataset]:
    """The clips of `split`, or None when the data has no such items."""
    items = spec.data.split(split)
    return clip_dataset(items, spec, encoder, clip_seconds) if items else None


def eval_batches(dataset: ClipDataset, batch_size: int) -> DataLoader:
    """Every clip once, in order, centre-cropped (epoch -1): the same batches every evaluation."""
    keys = [(i, -1) for i in range(len(dataset))]
    return DataLoader(dataset, batch_sampler=[keys[i:i + batch_size] for i in range(0, len(keys), batch_size)],
                      collate_fn=collate_clips, num_workers=0)


def validation_sums(module: nn.Module, dataset: ClipDataset, batch_size: int, runtime: Runtime) -> Accumulator:
    """The stats of `module.forward(batch)` over `dataset`, weighted by clips (for self-supervised jobs)."""
    acc = Accumulator()
    for batch in eval_batches(dataset, batch_size):
        batch = {k: v.to(runtime.device) for k, v in batch.items()}
        with runtime.autocast():
            _, stats = module(batch)
        acc.update(stats, float(batch["fbank"].shape[0]))
    return acc


def prepare_output_dir(spec: JobSpec, runtime: Runtime) -> None:
    if runtime.is_main:
        os.makedirs(spec.output_dir, exist_ok=True)
        with open(os.path.join(spec.output_dir, "job.json"), "w", encoding="utf-8") as handle:
            json.dump(spec.raw, handle, indent=2)
    runtime.barrier()


def use_checkpointing(setting: str, runtime: Runtime) -> bool:
    if setting not in ("auto", "on", "off"):
        raise TrainerError("INVALID_REQUEST", "hparams.grad_checkpointing must be auto, on or off")
    return runtime.device.type == "cuda" and setting in ("auto", "on")


def provenance(spec: JobSpec, start: StartingModel, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    from .. import __version__

    out = {"trainer_version": __version__, "torch": str(torch.__version__), "job_type": spec.type, "seed": spec.seed,
           "initialised_from": start.source, "initial_family": start.family, "hparams": spec.hparams}
    out.update(extra or {})
    return {"provenance": out}
