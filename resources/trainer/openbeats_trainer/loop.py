"""The optimisation loop shared by finetune, pretrain and tokenizer jobs: seeded resumable batch
plan, AdamW + schedule, mixed precision, DDP, progress/metrics/checkpoint lines, cancellation.

A step's randomness is reseeded from (seed, step, rank) and the batch plan is a pure function of
(seed, epoch), so stopping after any step and resuming from its checkpoint gives the same
weights as never stopping (bit-exact on CPU)."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from .checkpoint import atomic_torch_save
from .data import EpochPlan, collate_clips
from .job import JobSpec
from .optim import learning_rate, make_adamw, parameter_groups, set_learning_rate
from .protocol import Emitter, TrainerError
from .runtime import Runtime, StopFlag, seed_step
from .safe_pickle import safe_torch_load

STATE_FORMAT = "openbeats-trainer-state/1"


@dataclass
class LoopHparams:
    """Hyper-parameters every training job shares (README "hparams")."""

    epochs: int = 10
    batch_size: int = 16
    lr: float = 5e-5
    min_lr_ratio: float = 0.01
    warmup_steps: int = -1  # −1: warmup_ratio of the total
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    layer_decay: float = 0.75
    beta1: float = 0.9
    beta2: float = 0.98
    adam_eps: float = 1e-6
    grad_clip: float = 1.0
    precision: str = "auto"  # auto | fp32 | bf16 | fp16 (CPU always fp32)
    grad_checkpointing: str = "auto"  # auto (on for CUDA) | on | off
    num_workers: int = -1  # −1: min(8, CPUs − 1) on CUDA, 0 on CPU
    max_steps: int = 0  # 0: epochs × batches per epoch
    checkpoint_interval_s: float = 600.0
    checkpoint_epochs: int = 1  # save state + last.pt every N epochs (0: only periodic, cancel and final)
    progress_interval_s: float = 0.5


class Accumulator:
    """Sums of per-step statistics over an epoch: floats weighted by batch size, except keys named
    `sum_*` (added as they are); tensors of several elements are summed."""

    def __init__(self) -> None:
        self.sums: Dict[str, Any] = {}
        self.weight = 0.0

    def update(self, stats: Dict[str, Any], weight: float) -> None:
        self.weight += weight
        for key, value in stats.items():
            if isinstance(value, torch.Tensor) and value.numel() > 1:
                value = value.detach().cpu()
                self.sums[key] = self.sums[key] + value if key in self.sums else value.clone()
            else:
                scale = 1.0 if key.startswith("sum_") else weight
                self.sums[key] = self.sums.get(key, 0.0) + float(value) * scale

    def reduced(self, runtime: Runtime) -> Tuple[Dict[str, Any], float]:
        if not runtime.distributed:
            return self.sums, self.weight
        out: Dict[str, Any] = {}
        for key in sorted(self.sums):
            value = self.sums[key]
            tensor = value if isinstance(value, torch.Tensor) else torch.tensor([value], dtype=torch.float64)
            reduced = runtime.all_reduce_sum(tensor)
            out[key] = reduced if isinstance(value, torch.Tensor) else float(reduced.item())
        weight = float(runtime.all_reduce_sum(torch.tensor([self.weight], dtype=torch.float64)).item())
        return out, weight

    def state_dict(self) -> Dict[str, Any]:
        return {"sums": dict(self.sums), "weight": self.weight}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.sums = dict(state.get("sums", {}))
        self.weight = float(state.get("weight", 0.0))


class TrainTask:
    """What a job plugs into the loop. `module.forward(batch)` returns (loss, stats)."""

    module: nn.Module
    train_dataset: Dataset
    num_layers: int
    encoder_prefix: str = "encoder."
    find_unused_parameters: bool = False

    def collate(self, samples: List[Any]) -> Dict[str, torch.Tensor]:
        return collate_clips(samples)  # every job trains on clip datasets

    def prepare_batch(self, batch: Dict[str, torch.Tensor], generator: torch.Generator) -> Dict[str, torch.Tensor]:
        return batch

    def epoch_summary(self, sums: Dict[str, Any], weight: float) -> Dict[str, Any]:
        return {k: v / weight for k, v in sums.items()
                if not isinstance(v, torch.Tensor) and not k.startswith("sum_")} if weight else {}

    def validate(self, runtime: Runtime) -> Optional[Dict[str, Any]]:
        return None

    # (metric name in validation values, higher is better) or None
    selection: Optional[Tuple[str, bool]] = None

    def save_model(self, path: str) -> None:
        raise NotImplementedError

    def finish(self, runtime: Runtime, emitter: Emitter) -> Dict[str, Any]:
        return {}


def make_grad_scaler(enabled: bool) -> Any:
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):  # torch ≥ 2.3; the cuda.amp one is deprecated there
        return amp.GradScaler("cuda", enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


def _to_device(batch: Dict[str, torch.Tensor], device: torch.device) -> Dict[str, torch.Tensor]:
    non_blocking = device.type == "cuda"
    return {k: (v.to(device, non_blocking=non_blocking) if isinstance(v, torch.Tensor) else v) for k, v in batch.items()}


def default_workers(requested: int, runtime: Runtime) -> int:
    if requested >= 0:
        return requested
    if runtime.device.type != "cuda":
        return 0
    return max(0, min(8, (os.cpu_count() or 2) - 1))


def _better(value: Optional[float], best: Optional[float], higher: bool) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return best is None or (value > best if higher else value < best)


class TrainingLoop:
    def __init__(self, task: TrainTask, hp: LoopHparams, spec: JobSpec, runtime: Runtime, emitter: Emitter,
                 stop: StopFlag) -> None:
        self.task, self.hp, self.spec, self.runtime, self.emitter, self.stop = task, hp, spec, runtime, emitter, stop
        self.ckpt_dir = os.path.join(spec.output_dir, "checkpoints")
        self.state_path = os.path.join(self.ckpt_dir, "state.pt")
        self.plan = EpochPlan(len(task.train_dataset), hp.batch_size, spec.seed, True, runtime.rank, runtime.world)
        self.per_epoch = self.plan.batches_per_epoch()
        total = self.per_epoch * hp.epochs
        self.total = min(total, hp.max_steps) if hp.max_steps > 0 else total
        if self.total <= 0:
            raise TrainerError("INVALID_REQUEST", "nothing to train: epochs × batches is 0")
        self.warmup = hp.warmup_steps if hp.warmup_steps >= 0 else int(round(hp.warmup_ratio * self.total))
        self.epoch = 0
        self.batch_in_epoch = 0
        self.step = 0
        self.best: Optional[float] = None
        self.history: List[Dict[str, Any]] = []
        self.acc = Accumulator()
        module = task.module.to(runtime.device)
        groups = parameter_groups(module, hp.weight_decay, hp.layer_decay, task.num_layers, task.encoder_prefix)
        self.optimizer = make_adamw(groups, hp.lr, (hp.beta1, hp.beta2), hp.adam_eps)
        self.scaler = make_grad_scaler(runtime.precision == "fp16")
        self.model: nn.Module = module
        self.last_checkpoint = time.monotonic()

    # -- state -------------------------------------------------------------------------------
    def _state(self) -> Dict[str, Any]:
        return {
            "format": STATE_FORMAT, "job_type": self.spec.type, "module": self.task.module.state_dict(),
            "optimizer": self.optimizer.state_dict(), "scaler": self.scaler.state_dict(), "epoch": self.epoch,
            "batch_in_epoch": self.batch_in_epoch, "step": self.step, "accumulator": self.acc.state_dict(),
            "best": self.best, "history": self.history, "seed": self.spec.seed, "world": self.runtime.world,
            "plan": {"size": self.plan.size, "batch_size": self.plan.batch_size, "total": self.total},
        }

    def try_resume(self) -> bool:
        if not self.spec.resume:
            return False
        if not os.path.isfile(self.state_path):
            self.emitter.log("resume requested but no checkpoint exists yet; starting from the beginning", "warn")
            return False
        state = safe_torch_load(self.state_path)
        if state.get("format") != STATE_FORMAT or state.get("job_type") != self.spec.type:
            raise TrainerError("CHECKPOINT_INVALID", f"{self.state_path}: not a {self.spec.type} training state")
        plan = state.get("plan", {})
        expected = {"size": self.plan.size, "batch_size": self.plan.batch_size, "total": self.total}
        if plan != expected or state.get("seed") != self.spec.seed or state.get("world") != self.runtime.world:
            raise TrainerError("INVALID_REQUEST", "resume needs the same data, batch size, step count, seed and "
                                                  "number of processes as the interrupted run",
                               {"saved": {**plan, "seed": state.get("seed"), "world": state.get("world")},
                                "now": {**expected, "seed": self.spec.seed, "world": self.runtime.world}})
        self.task.module.load_state_dict(state["module"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scaler.load_state_dict(state["scaler"])
        self.epoch, self.batch_in_epoch, self.step = int(state["epoch"]), int(state["batch_in_epoch"]), int(state["step"])
        self.acc.load_state_dict(state["accumulator"])
        self.best = state.get("best")
        self.history = list(state.get("history", []))
        self.emitter.log(f"resumed at step {self.step} (epoch {self.epoch}, batch {self.batch_in_epoch})")
        return True

    def save(self, kind: str = "last") -> None:
        if self.runtime.is_main:
            atomic_torch_save(self._state(), self.state_path)
            model_path = os.path.join(self.ckpt_dir, "last.pt")
            self.task.save_model(model_path)
            self.emitter.checkpoint(model_path, state_path=self.state_path, step=self.step, epoch=self.epoch, kind=kind)
        self.runtime.barrier()
        self.last_checkpoint = time.monotonic()

    # -- loop --------------------------------------------------------------------------------
    def _loader(self, batches: List[List[int]], epoch: int) -> DataLoader:
        workers = default_workers(self.hp.num_workers, self.runtime)
        keyed = [[(i, epoch) for i in batch] for batch in batches]
        return DataLoader(self.task.train_dataset, batch_sampler=keyed, collate_fn=self.task.collate,
                          num_workers=workers, pin_memory=self.runtime.device.type == "cuda")

    def _wrap(self) -> None:
        if self.runtime.distributed:
            from torch.nn.parallel import DistributedDataParallel

            ids = [self.runtime.device.index] if self.runtime.device.type == "cuda" else None
            self.model = DistributedDataParallel(self.task.module, device_ids=ids,
                                                 find_unused_parameters=self.task.find_unused_parameters)

    def _train_step(self, batch: Dict[str, torch.Tensor]) -> Tuple[float, Dict[str, Any]]:
        generator = seed_step(self.spec.seed, self.step, self.runtime.rank)
        batch = _to_device(self.task.prepare_batch(batch, generator), self.runtime.device)
        set_learning_rate(self.optimizer, learning_rate(self.step, self.total, self.hp.lr, self.warmup, self.hp.min_lr_ratio))
        with self.runtime.autocast():
            loss, stats = self.model(batch)
        if not bool(torch.isfinite(loss.detach())):
            raise TrainerError("INTERNAL", f"the loss became {float(loss)} at step {self.step}; lower the learning "
                                           "rate or use fp32", {"step": self.step})
        self.scaler.scale(loss).backward()
        if self.hp.grad_clip > 0:
            self.scaler.unscale_(self.optimizer)
            torch.nn.utils.clip_grad_norm_(self.task.module.parameters(), self.hp.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.optimizer.zero_grad(set_to_none=True)
        return float(loss.detach()), stats

    def _end_epoch(self, partial: bool) -> None:
        sums, weight = self.acc.reduced(self.runtime)
        train = self.task.epoch_summary(sums, weight)
        self.emitter.metrics("train", train, epoch=self.epoch, step=self.step, partial=partial)
        self.task.module.eval()
        with torch.no_grad():
            val = self.task.validate(self.runtime)
        self.task.module.train()
        record: Dict[str, Any] = {"epoch": self.epoch, "step": self.step, "train": train}
        if val is not None:
            self.emitter.metrics("val", val, epoch=self.epoch, step=self.step, partial=partial)
            record["val"] = {k: v for k, v in val.items() if k != "per_class"}
        self.history.append(record)
        if self.runtime.is_main:
            with open(os.path.join(self.spec.output_dir, "metrics.jsonl"), "a", encoding="utf-8") as handle:
                import json

                handle.write(json.dumps(record, default=float) + "\n")
        if val is not None and self.task.selection is not None:
            name, higher = self.task.selection
            if _better(val.get(name), self.best, higher):
                self.best = float(val[name])
                if self.runtime.is_main:
                    path = os.path.join(self.ckpt_dir, "best.pt")
                    self.task.save_model(path)
                    self.emitter.checkpoint(path, step=self.step, epoch=self.epoch, kind="best", metric=name,
                                            value=self.best)
        self.acc = Accumulator()

    def run(self) -> Dict[str, Any]:
        os.makedirs(self.ckpt_dir, exist_ok=True)
        self.try_resume()
        self._wrap()
        self.task.module.train()
        if self.runtime.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self.runtime.device)
        start_step, started = self.step, time.monotonic()
        samples = 0
        step_time = data_wait = 0.0
        self.emitter.progress(self.step, self.total, force=True, epoch=self.epoch, samples_per_s=None, eta_s=None)
        stopped = False
        while self.step < self.total and not stopped:
            batches = self.plan.batches(self.epoch)[self.batch_in_epoch:]
            waited = time.monotonic()
            for batch in self._loader(batches, self.epoch):
                began = time.monotonic()
                data_wait += began - waited
                loss, stats = self._train_step(batch)
                if self.runtime.device.type == "cuda":
                    torch.cuda.synchronize(self.runtime.device)
                step_time += time.monotonic() - began
                size = int(batch["fbank"].shape[0]) * self.runtime.world
                self.acc.update(stats, float(batch["fbank"].shape[0]))
                self.step += 1
                self.batch_in_epoch += 1
                samples += size
                elapsed = time.monotonic() - started
                rate = samples / elapsed if elapsed > 0 else None
                eta = (self.total - self.step) * elapsed / (self.step - start_step)
                self.emitter.progress(self.step, self.total, force=self.step == self.total, epoch=self.epoch,
                                      samples_per_s=rate, eta_s=eta, loss=loss,
                                      lr=self.optimizer.param_groups[-1]["lr"])
                # Decided together: every rank must take the same branch (saving has a barrier).
                stop_now, save_now = self.runtime.any_of(
                    [self.stop.requested, time.monotonic() - self.last_checkpoint > self.hp.checkpoint_interval_s])
                if stop_now:
                    stopped = True
                    break
                if self.step >= self.total:
                    break
                if save_now:
                    self.save("periodic")
                waited = time.monotonic()
            if self.batch_in_epoch >= self.per_epoch or (self.step >= self.total and not stopped):
                self._end_epoch(partial=self.batch_in_epoch < self.per_epoch)
                if self.batch_in_epoch >= self.per_epoch:
                    self.epoch += 1
                    self.batch_in_epoch = 0
                every = self.hp.checkpoint_epochs
                if stopped or (every > 0 and self.epoch % every == 0) or self.step >= self.total:
                    self.save("epoch" if not stopped else "cancel")
            elif stopped:
                self.save("cancel")
        elapsed = time.monotonic() - started
        throughput: Dict[str, Any] = {"samples": samples, "seconds": elapsed,
                                      "samples_per_s": samples / elapsed if elapsed > 0 else None,
                                      "steps_per_s": (self.step - start_step) / elapsed if elapsed > 0 else None,
                                      # compute only (forward, backward, update), and time spent waiting for data
                                      "train_samples_per_s": samples / step_time if step_time > 0 else None,
                                      "step_seconds": step_time, "data_wait_seconds": data_wait,
                                      "device": str(self.runtime.device), "precision": self.runtime.precision}
        if self.runtime.device.type == "cuda":
            throughput["peak_gpu_memory_bytes"] = int(torch.cuda.max_memory_allocated(self.runtime.device))
        if stopped and self.step < self.total:
            return {"status": "cancelled", "step": self.step, "total": self.total, "throughput": throughput}
        outputs: Dict[str, Any] = {}
        if self.runtime.is_main:
            final = os.path.join(self.spec.output_dir, "model.pt")
            self.task.save_model(final)
            outputs["model"] = final
            best = os.path.join(self.ckpt_dir, "best.pt")
            outputs["best"] = best if os.path.isfile(best) else None
        self.task.module.eval()
        with torch.no_grad():
            outputs.update(self.task.finish(self.runtime, self.emitter))
        outputs["history"] = self.history
        return {"status": "completed", "step": self.step, "total": self.total, "outputs": outputs,
                "throughput": throughput}

