"""`tokenizer`: a VQ-KD tokenizer distilled from a frozen teacher encoder, or (kind "random") the
frozen random-projection tokenizer of iteration 1."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import torch
from torch import nn

from ..checkpoint import load_checkpoint, load_encoder_state
from ..config import DEFAULT_FBANK_MEAN, DEFAULT_FBANK_STD, config_from_architecture, config_from_dict
from ..job import JobSpec, parse_hparams
from ..loop import LoopHparams, TrainingLoop, TrainTask
from ..losses import vq_distillation_loss
from ..model import BeatsEncoder
from ..protocol import Emitter, TrainerError
from ..runtime import Runtime, StopFlag
from ..tokenizers import RandomTokenizer, TokenizerPredictor, VQTokenizer, save_tokenizer
from .common import clip_dataset, prepare_output_dir, split_clips, train_items, use_checkpointing, validation_sums


@dataclass
class TokenizerHparams(LoopHparams):
    kind: str = "vq"  # vq | random
    lr: float = 1e-4
    layer_decay: float = 1.0
    clip_seconds: float = 10.0
    teacher: str = ""  # teacher checkpoint; "" = model.checkpoint
    init: str = "random"  # tokenizer encoder: random | teacher (copy the teacher's weights)
    architecture: Optional[Dict[str, Any]] = None  # tokenizer encoder; None = the teacher's
    codebook_size: int = 1024
    code_dim: int = 256
    ema_decay: float = 0.99
    kmeans_iters: int = 10
    commitment_weight: float = 1.0
    decoder_layers: int = 3
    tokenizer_seed: int = -1  # kind random; −1 = the job seed
    dropout: float = 0.0
    attention_dropout: float = 0.0


class TokenizerModel(nn.Module):
    def __init__(self, tokenizer: VQTokenizer, teacher: BeatsEncoder, decoder_layers: int, commitment_weight: float) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        cfg = tokenizer.encoder.cfg.replace(decoder_layers=decoder_layers)
        self.predictor = TokenizerPredictor(cfg, tokenizer.code_dim, teacher.cfg.encoder_embed_dim)
        self.teacher = teacher.eval()
        for param in self.teacher.parameters():
            param.requires_grad_(False)
        self.commitment_weight = commitment_weight

    def train(self, mode: bool = True) -> "TokenizerModel":
        super().train(mode)
        self.teacher.eval()
        return self

    def forward(self, batch: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, Dict[str, Any]]:
        fbank, lengths = batch["fbank"], batch["frame_lengths"]
        with torch.no_grad():
            target = self.teacher(fbank, lengths).last_hidden
        z, padding = self.tokenizer.embed(fbank, lengths)
        valid = ~padding if padding is not None else torch.ones(z.shape[:2], dtype=torch.bool, device=z.device)
        codes, ids = self.tokenizer.quantize(z, valid)
        straight_through = z + (codes - z).detach()
        prediction = self.predictor(straight_through, padding)
        terms = vq_distillation_loss(prediction, target, z, codes, valid, self.commitment_weight)
        stats: Dict[str, Any] = {k: v.detach() for k, v in terms.items()}
        stats["code_counts"] = torch.bincount(ids[valid], minlength=self.tokenizer.vocab)
        return terms["loss"], stats


def summarize(sums: Dict[str, Any], weight: float, vocab: int) -> Dict[str, Any]:
    out: Dict[str, Any] = {k: (sums[k] / weight if weight else None) for k in ("loss", "cosine", "codebook", "commitment")
                           if k in sums}
    counts = sums.get("code_counts")
    if isinstance(counts, torch.Tensor) and counts.sum() > 0:
        p = counts.double() / counts.sum()
        out["code_usage"] = float((counts > 0).sum()) / vocab
        out["code_perplexity"] = float(torch.exp(-(p[p > 0] * p[p > 0].log()).sum()))
    return out


class TokenizerTask(TrainTask):
    selection = ("cosine", False)
    encoder_prefix = "tokenizer.encoder."

    def __init__(self, spec: JobSpec, hp: TokenizerHparams, model: TokenizerModel, runtime: Runtime) -> None:
        items = train_items(spec, "tokenizer training")
        self.spec, self.hp, self.runtime, self.module = spec, hp, runtime, model
        encoder = model.tokenizer.encoder
        self.num_layers = encoder.cfg.encoder_layers
        self.train_dataset = clip_dataset(items, spec, encoder, hp.clip_seconds)
        self.val_dataset = split_clips(spec, "val", encoder, hp.clip_seconds)
        if self.val_dataset is None:
            self.selection = None

    def epoch_summary(self, sums: Dict[str, Any], weight: float) -> Dict[str, Any]:
        return summarize(sums, weight, self.module.tokenizer.vocab)

    def validate(self, runtime: Runtime) -> Optional[Dict[str, Any]]:
        if self.val_dataset is None:
            return None
        acc = validation_sums(self.module, self.val_dataset, self.hp.batch_size, runtime)
        return summarize(acc.sums, acc.weight, self.module.tokenizer.vocab)

    def save_model(self, path: str) -> None:
        cfg = self.module.tokenizer.encoder.cfg
        save_tokenizer(self.module.tokenizer, path, cfg.fbank_mean, cfg.fbank_std)


def _teacher(spec: JobSpec, hp: TokenizerHparams, emitter: Emitter) -> BeatsEncoder:
    path = hp.teacher or spec.model.checkpoint
    if not path:
        raise TrainerError("INVALID_REQUEST", "a VQ tokenizer needs a teacher: hparams.teacher or model.checkpoint")
    if not os.path.isabs(path):
        path = os.path.join(spec.base_dir, path)
    loaded = load_checkpoint(path, spec.model.config_yaml, spec.model.token_list)
    for warning in loaded.warnings:
        emitter.log(f"teacher: {warning}", "warn")
    return loaded.build_encoder()


def run(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    hp = parse_hparams(TokenizerHparams, spec.hparams)
    emitter.progress_interval_s = hp.progress_interval_s
    prepare_output_dir(spec, runtime)
    if hp.kind == "random":
        arch = spec.model.architecture or {}
        embed_dim = int(config_from_architecture(arch).embed_dim) if arch else 512
        seed = hp.tokenizer_seed if hp.tokenizer_seed >= 0 else spec.seed
        path = os.path.join(spec.output_dir, "model.pt")
        if runtime.is_main:
            save_tokenizer(RandomTokenizer(embed_dim, hp.code_dim, hp.codebook_size, seed), path,
                           DEFAULT_FBANK_MEAN, DEFAULT_FBANK_STD)
        return {"status": "completed", "outputs": {"model": path, "tokenizer": "random", "seed": seed}}
    if hp.kind != "vq":
        raise TrainerError("INVALID_REQUEST", "hparams.kind must be vq or random")
    if not math.isfinite(hp.ema_decay) or not 0 < hp.ema_decay < 1:
        raise TrainerError("INVALID_REQUEST", "hparams.ema_decay must lie in (0, 1)")
    teacher = _teacher(spec, hp, emitter)
    torch.manual_seed(spec.seed)
    base = teacher.cfg
    cfg = config_from_architecture(hp.architecture) if hp.architecture else config_from_dict(base.to_dict())
    cfg = cfg.replace(fbank_mean=base.fbank_mean, fbank_std=base.fbank_std, dropout=hp.dropout,
                      attention_dropout=hp.attention_dropout, encoder_layerdrop=0.0)
    tokenizer = VQTokenizer(cfg, hp.code_dim, hp.codebook_size, hp.ema_decay)
    tokenizer.quantize.kmeans_iters = hp.kmeans_iters
    if hp.init == "teacher":
        load_encoder_state(tokenizer.encoder, teacher.state_dict(), "teacher (init)")
    elif hp.init != "random":
        raise TrainerError("INVALID_REQUEST", "hparams.init must be random or teacher")
    tokenizer.encoder.set_gradient_checkpointing(use_checkpointing(hp.grad_checkpointing, runtime))
    model = TokenizerModel(tokenizer, teacher, hp.decoder_layers, hp.commitment_weight)
    task = TokenizerTask(spec, hp, model, runtime)
    return TrainingLoop(task, hp, spec, runtime, emitter, stop).run()
