"""`finetune`: encoder + classification head on labelled clips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..augment import mixup, spec_augment
from ..checkpoint import HeadWeights, save_trainer_checkpoint
from ..data import ClipDataset
from ..job import JobSpec, parse_hparams
from ..loop import LoopHparams, TrainingLoop, TrainTask
from ..metrics import classification_metrics
from ..model import BeatsEncoder, ClassificationHead
from ..protocol import Emitter, TrainerError
from ..runtime import Runtime, StopFlag
from .common import (StartingModel, clip_dataset, eval_batches, prepare_output_dir, provenance, starting_model,
                     train_items, use_checkpointing)


@dataclass
class FinetuneHparams(LoopHparams):
    clip_seconds: float = 10.0  # training crop (random); 0 = whole segment
    eval_clip_seconds: float = 10.0  # validation/test crop (centre); 0 = whole segment
    eval_batch_size: int = 0  # 0 = batch_size
    specaug_time_masks: int = 2
    specaug_time_width: int = 40  # frames (10 ms each)
    specaug_freq_masks: int = 2
    specaug_freq_width: int = 16  # mel bins
    mixup_alpha: float = 0.4
    mixup_prob: float = 0.5
    label_smoothing: float = 0.0  # multi-class only
    head_dropout: float = 0.0
    dropout: float = 0.0
    attention_dropout: float = 0.0
    encoder_layerdrop: float = 0.0
    freeze_encoder: bool = False
    select_metric: str = "auto"  # auto = mAP (multi-label) / accuracy (multi-class)


class ClassifierModel(nn.Module):
    def __init__(self, encoder: BeatsEncoder, classes: int, multi_label: bool, head_dropout: float,
                 label_smoothing: float) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = ClassificationHead(encoder.cfg.encoder_embed_dim, classes, head_dropout)
        self.multi_label, self.label_smoothing = multi_label, label_smoothing

    def logits(self, fbank: torch.Tensor, frame_lengths: Optional[torch.Tensor]) -> torch.Tensor:
        out = self.encoder(fbank, frame_lengths)
        return self.decoder(out.last_hidden, out.padding_mask)[0].float()

    def forward(self, batch: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, Dict[str, Any]]:
        logits = self.logits(batch["fbank"], batch["frame_lengths"])
        loss = classification_loss(logits, batch["target"], self.multi_label, self.label_smoothing)
        return loss, {"loss": loss.detach()}


def classification_loss(logits: torch.Tensor, target: torch.Tensor, multi_label: bool, label_smoothing: float) -> torch.Tensor:
    """Multi-label: mean binary cross-entropy over batch × classes. Multi-class: soft-target
    cross-entropy −Σ q·log softmax, q = (1 − ε)·target + ε/C, averaged over the batch."""
    if multi_label:
        return F.binary_cross_entropy_with_logits(logits, target)
    classes = logits.shape[-1]
    soft = target * (1.0 - label_smoothing) + label_smoothing / classes
    return -(soft * F.log_softmax(logits, dim=-1)).sum(-1).mean()


class FinetuneTask(TrainTask):
    def __init__(self, spec: JobSpec, hp: FinetuneHparams, start: StartingModel, emitter: Emitter,
                 runtime: Runtime) -> None:
        data = spec.data
        if not data.labels:
            raise TrainerError("TRAINING_DATA", "finetune needs data.labels")
        items = train_items(spec, "finetune")
        if not data.multi_label:
            wrong = [i.id for i in data.items if len(i.labels) != 1]
            if wrong:
                raise TrainerError("TRAINING_DATA", f"multi-class data needs exactly one label per item; "
                                                    f"{len(wrong)} items differ (first: {wrong[0]})", {"items": wrong[:20]})
        self.spec, self.hp, self.runtime = spec, hp, runtime
        self.labels, self.multi_label = list(data.labels), data.multi_label
        encoder = start.encoder
        encoder.set_gradient_checkpointing(use_checkpointing(hp.grad_checkpointing, runtime))
        self.module = ClassifierModel(encoder, len(self.labels), self.multi_label, hp.head_dropout, hp.label_smoothing)
        head = start.head
        if head is not None and head.labels == self.labels:
            with torch.no_grad():
                self.module.decoder.linear_out.weight.copy_(head.weight)
                self.module.decoder.linear_out.bias.copy_(head.bias)
            emitter.log("continuing from the checkpoint's head (same labels)")
        if hp.freeze_encoder:
            for param in encoder.parameters():
                param.requires_grad_(False)
        self.num_layers = encoder.cfg.encoder_layers
        self.find_unused_parameters = hp.encoder_layerdrop > 0
        self.train_dataset = clip_dataset(items, spec, encoder, hp.clip_seconds, self.labels)
        self.eval_sets = {name: clip_dataset(data.split(name), spec, encoder, hp.eval_clip_seconds, self.labels)
                          for name in ("val", "test") if data.split(name)}
        metric = hp.select_metric if hp.select_metric != "auto" else ("mAP" if self.multi_label else "accuracy")
        self.selection = (metric, True) if "val" in self.eval_sets else None
        self.start = start

    def prepare_batch(self, batch: Dict[str, torch.Tensor], generator: torch.Generator) -> Dict[str, torch.Tensor]:
        hp = self.hp
        fbank = spec_augment(batch["fbank"], batch["frame_lengths"], generator, hp.specaug_time_masks,
                             hp.specaug_time_width, hp.specaug_freq_masks, hp.specaug_freq_width)
        fbank, target, lengths = mixup(fbank, batch["target"], batch["frame_lengths"], generator, hp.mixup_alpha,
                                       hp.mixup_prob)
        return {**batch, "fbank": fbank, "target": target, "frame_lengths": lengths}

    def scores(self, dataset: ClipDataset) -> Tuple[np.ndarray, np.ndarray, float]:
        """Probabilities, targets and the mean loss (no augmentation, centre crops)."""
        scores, targets = [], []
        loss_sum = 0.0
        for batch in eval_batches(dataset, self.hp.eval_batch_size or self.hp.batch_size):
            with self.runtime.autocast():
                logits = self.module.logits(batch["fbank"].to(self.runtime.device),
                                            batch["frame_lengths"].to(self.runtime.device))
            target = batch["target"].to(self.runtime.device)
            loss_sum += float(classification_loss(logits, target, self.multi_label, 0.0)) * target.shape[0]
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            scores.append(probs.float().cpu().numpy())
            targets.append(batch["target"].numpy())
        return np.concatenate(scores), np.concatenate(targets), loss_sum / max(1, len(dataset))

    def evaluate(self, name: str) -> Dict[str, Any]:
        scores, targets, loss = self.scores(self.eval_sets[name])
        values = classification_metrics(scores, targets, self.labels, self.multi_label)
        values["loss"] = loss
        return values

    def validate(self, runtime: Runtime) -> Optional[Dict[str, Any]]:
        return self.evaluate("val") if "val" in self.eval_sets else None

    def head(self) -> HeadWeights:
        linear = self.module.decoder.linear_out
        return HeadWeights(linear.weight.detach(), linear.bias.detach(), self.labels, self.multi_label)

    def save_model(self, path: str) -> None:
        save_trainer_checkpoint(path, self.module.encoder, self.head(), provenance(self.spec, self.start))

    def finish(self, runtime: Runtime, emitter: Emitter) -> Dict[str, Any]:
        if "test" not in self.eval_sets:
            return {}
        values = self.evaluate("test")
        emitter.metrics("test", values)
        return {"test": {k: v for k, v in values.items() if k != "per_class"}}


def run(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    hp = parse_hparams(FinetuneHparams, spec.hparams)
    emitter.progress_interval_s = hp.progress_interval_s
    prepare_output_dir(spec, runtime)
    start = starting_model(spec, emitter, {"dropout": hp.dropout, "attention_dropout": hp.attention_dropout,
                                           "encoder_layerdrop": hp.encoder_layerdrop})
    task = FinetuneTask(spec, hp, start, emitter, runtime)
    return TrainingLoop(task, hp, spec, runtime, emitter, stop).run()
