"""Where and how a job runs: device, precision, torchrun/DDP, per-step seeding and cancellation."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from dataclasses import dataclass
from typing import Iterator, List, Optional

import torch
import torch.distributed as dist

from .protocol import TrainerError


@dataclass
class Runtime:
    device: torch.device
    precision: str  # fp32 | bf16 | fp16
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def autocast_dtype(self) -> Optional[torch.dtype]:
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)

    @contextlib.contextmanager
    def autocast(self) -> Iterator[None]:
        dtype = self.autocast_dtype
        if dtype is None or self.device.type != "cuda":
            yield
            return
        with torch.autocast(device_type="cuda", dtype=dtype):
            yield

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()

    def all_reduce_sum(self, tensor: torch.Tensor) -> torch.Tensor:
        if not self.distributed:
            return tensor
        reduced = tensor.detach().to(self.device).clone()
        dist.all_reduce(reduced)
        return reduced.to(tensor.device)

    def any_of(self, flags: List[bool]) -> List[bool]:
        """Each flag OR-ed over all ranks."""
        if not self.distributed:
            return list(flags)
        summed = self.all_reduce_sum(torch.tensor([1.0 if f else 0.0 for f in flags]))
        return [bool(v > 0) for v in summed.tolist()]


def _cuda_ok() -> bool:
    try:
        return torch.cuda.is_available() and torch.cuda.device_count() > 0
    except Exception:
        return False


def resolve_precision(requested: str, device: torch.device) -> str:
    if requested not in ("auto", "fp32", "bf16", "fp16"):
        raise TrainerError("INVALID_REQUEST", f"hparams.precision must be auto, fp32, bf16 or fp16, got {requested!r}")
    if device.type != "cuda":
        return "fp32"  # autocast and gradient checkpointing are CUDA-only here
    if requested == "auto":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if requested == "bf16" and not torch.cuda.is_bf16_supported():
        raise TrainerError("ENGINE_UNAVAILABLE", "this GPU does not support bf16; use precision fp16 or fp32")
    return requested


def init_runtime(requested_device: str, precision: str = "auto") -> Runtime:
    """Single process, or one rank of `torchrun` (RANK/WORLD_SIZE/LOCAL_RANK in the environment)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = _cuda_ok()
    if requested_device == "cuda" and not cuda:
        raise TrainerError("ENGINE_UNAVAILABLE", "device cuda was requested but torch sees no CUDA GPU",
                           {"torch": torch.__version__, "cuda_build": torch.version.cuda})
    use_cuda = cuda and requested_device in ("auto", "cuda")
    if use_cuda:
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
        device = torch.device("cuda", local_rank % torch.cuda.device_count())
    else:
        device = torch.device("cpu")
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    if use_cuda:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return Runtime(device, resolve_precision(precision, device), rank, world, local_rank)


def shutdown_runtime(runtime: Runtime) -> None:
    if runtime.distributed and dist.is_initialized():
        dist.destroy_process_group()


def step_seed(seed: int, step: int, rank: int = 0) -> int:
    """Seed for everything random in one optimisation step (dropout, masks, augmentation)."""
    return (seed * 1_000_003 + step * 7919 + rank * 104_729 + 12345) % (2 ** 62)


def seed_step(seed: int, step: int, rank: int = 0) -> torch.Generator:
    value = step_seed(seed, step, rank)
    torch.manual_seed(value)
    return torch.Generator().manual_seed(value + 1)


class StopFlag:
    """Set by SIGTERM/SIGINT (or by a test); training loops check it at step boundaries."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def request(self) -> None:
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def install_signal_handlers(self) -> None:
        def handler(signum: int, frame: object) -> None:
            self.request()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
