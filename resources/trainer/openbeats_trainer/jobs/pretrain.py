"""`pretrain`: continued OpenBEATs masked-token pre-training on unlabelled clips."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Optional

import torch
from torch import nn

from ..checkpoint import save_trainer_checkpoint
from ..job import JobSpec, parse_hparams
from ..loop import LoopHparams, TrainingLoop, TrainTask
from ..pretraining import PretrainModel, summarize_pretraining
from ..protocol import Emitter
from ..runtime import Runtime, StopFlag
from ..tokenizers import RandomTokenizer, load_tokenizer, save_tokenizer
from .common import (StartingModel, clip_dataset, prepare_output_dir, provenance, split_clips, starting_model,
                     train_items, use_checkpointing, validation_sums)


@dataclass
class PretrainHparams(LoopHparams):
    lr: float = 1e-4
    layer_decay: float = 1.0
    weight_decay: float = 0.01
    clip_seconds: float = 10.0
    mask_ratio: float = 0.75
    label_smoothing: float = 0.1
    tokenizer: str = "random"  # "random" (iteration 1) or the path of a tokenizer checkpoint
    tokenizer_seed: int = -1  # random tokenizer seed; −1 = the job seed
    decoder_layers: int = 0  # 0 = the cfg's (3)
    decoder_embed_dim: int = 0  # 0 = the cfg's
    dropout: float = 0.1
    attention_dropout: float = 0.1
    encoder_layerdrop: float = 0.0


class PretrainTask(TrainTask):
    selection = ("loss", False)

    def __init__(self, spec: JobSpec, hp: PretrainHparams, start: StartingModel, tokenizer: nn.Module,
                 runtime: Runtime) -> None:
        items = train_items(spec, "pretrain")
        self.spec, self.hp, self.start, self.runtime = spec, hp, start, runtime
        encoder = start.encoder
        checkpointing = use_checkpointing(hp.grad_checkpointing, runtime)
        encoder.set_gradient_checkpointing(checkpointing)
        self.module = PretrainModel(encoder, tokenizer, hp.mask_ratio, hp.label_smoothing)
        self.module.predictor.gradient_checkpointing = checkpointing
        self.vocab = encoder.cfg.codebook_vocab_size
        self.num_layers = encoder.cfg.encoder_layers
        self.find_unused_parameters = hp.encoder_layerdrop > 0
        self.train_dataset = clip_dataset(items, spec, encoder, hp.clip_seconds)
        self.val_dataset = split_clips(spec, "val", encoder, hp.clip_seconds)
        if self.val_dataset is None:
            self.selection = None

    def epoch_summary(self, sums: Dict[str, Any], weight: float) -> Dict[str, Any]:
        return summarize_pretraining(sums, weight, self.vocab)

    def validate(self, runtime: Runtime) -> Optional[Dict[str, Any]]:
        if self.val_dataset is None:
            return None
        torch.manual_seed(self.spec.seed + 99_991)  # the same masks every epoch
        acc = validation_sums(self.module, self.val_dataset, self.hp.batch_size, runtime)
        return summarize_pretraining(acc.sums, acc.weight, self.vocab)

    def save_model(self, path: str) -> None:
        tokenizer = self.hp.tokenizer if self.hp.tokenizer != "random" else f"random(seed={self._tokenizer_seed()})"
        save_trainer_checkpoint(path, self.module.encoder, None,
                                provenance(self.spec, self.start, {"tokenizer": tokenizer}))

    def _tokenizer_seed(self) -> int:
        return self.hp.tokenizer_seed if self.hp.tokenizer_seed >= 0 else self.spec.seed


def make_tokenizer(hp: PretrainHparams, spec: JobSpec, embed_dim: int, vocab: int) -> nn.Module:
    if hp.tokenizer == "random":
        seed = hp.tokenizer_seed if hp.tokenizer_seed >= 0 else spec.seed
        return RandomTokenizer(embed_dim, 256, vocab, seed).eval()
    path = hp.tokenizer if os.path.isabs(hp.tokenizer) else os.path.join(spec.base_dir, hp.tokenizer)
    return load_tokenizer(path)


def run(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    hp = parse_hparams(PretrainHparams, spec.hparams)
    emitter.progress_interval_s = hp.progress_interval_s
    prepare_output_dir(spec, runtime)
    overrides: Dict[str, Any] = {"dropout": hp.dropout, "attention_dropout": hp.attention_dropout,
                                 "encoder_layerdrop": hp.encoder_layerdrop}
    if hp.decoder_layers > 0:
        overrides["decoder_layers"] = hp.decoder_layers
    if hp.decoder_embed_dim > 0:
        overrides["decoder_embed_dim"] = hp.decoder_embed_dim
    start = starting_model(spec, emitter, overrides)
    cfg = start.encoder.cfg
    tokenizer = make_tokenizer(hp, spec, cfg.embed_dim, cfg.codebook_vocab_size)
    if int(tokenizer.vocab) != cfg.codebook_vocab_size:  # the predictor is new: size it to the tokenizer
        emitter.log(f"tokenizer has {tokenizer.vocab} codes; predicting {tokenizer.vocab} classes")
        start.encoder.cfg = cfg.replace(codebook_vocab_size=int(tokenizer.vocab))
    if runtime.is_main:
        save_tokenizer(tokenizer, os.path.join(spec.output_dir, "tokenizer_used.pt"), cfg.fbank_mean, cfg.fbank_std)
    task = PretrainTask(spec, hp, start, tokenizer, runtime)
    return TrainingLoop(task, hp, spec, runtime, emitter, stop).run()
