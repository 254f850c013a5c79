"""Entry point: `python -m openbeats_trainer JOB.json` (also under torchrun) and `--check`.

stdout carries protocol lines only: the real stdout is kept for them and file descriptor 1 is
pointed at stderr, so prints from libraries and loader workers cannot corrupt the stream."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import Any, Callable, Dict, List, Optional, TextIO

from .job import JobSpec, load_job, parse_job
from .protocol import Emitter, TrainerError
from .runtime import Runtime, StopFlag, init_runtime, shutdown_runtime

JobRunner = Callable[[JobSpec, Runtime, Emitter, StopFlag], Dict[str, Any]]


def _runner(job_type: str) -> JobRunner:
    if job_type == "finetune":
        from .jobs import finetune as module
    elif job_type == "pretrain":
        from .jobs import pretrain as module  # type: ignore[no-redef]
    elif job_type == "tokenizer":
        from .jobs import tokenizer as module  # type: ignore[no-redef]
    elif job_type == "embed":
        from .jobs import embed as module  # type: ignore[no-redef]
    elif job_type == "export":
        from .jobs import export as module  # type: ignore[no-redef]
    else:  # parse_job already refuses unknown types
        raise TrainerError("INVALID_REQUEST", f"unknown job type {job_type!r}")
    return module.run


def run_job(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    return _runner(spec.type)(spec, runtime, emitter, stop)


def execute(spec_loader: Callable[[], JobSpec], emitter_factory: Callable[[bool], Emitter], stop: StopFlag) -> int:
    """Run one job, turning every failure into an `error` line. Returns the process exit code."""
    emitter = emitter_factory(int(os.environ.get("RANK", "0")) == 0)
    runtime: Optional[Runtime] = None
    try:
        spec = spec_loader()
        runtime = init_runtime(spec.device, str(spec.hparams.get("precision", "auto")))
        emitter = emitter_factory(runtime.is_main)
        import torch

        emitter.log(f"{spec.type} on {runtime.device} ({runtime.precision}), torch {torch.__version__}, "
                    f"{runtime.world} process(es)", device=str(runtime.device), precision=runtime.precision,
                    world=runtime.world, slow=runtime.device.type != "cuda")
        result = run_job(spec, runtime, emitter, stop)
        emitter.done(**result)
        return 0
    except TrainerError as exc:
        emitter.error(exc.code, exc.message, exc.details)
        return 1
    except Exception as exc:  # anything unexpected still ends with a protocol line
        emitter.error("INTERNAL", f"{type(exc).__name__}: {exc}", {"traceback": traceback.format_exc()[-4000:]})
        return 1
    finally:
        if runtime is not None:
            shutdown_runtime(runtime)


def run_in_process(job: Dict[str, Any], base_dir: str, stop: Optional[StopFlag] = None,
                   on_message: Optional[Callable[[Dict[str, Any], StopFlag], None]] = None) -> List[Dict[str, Any]]:
    """Run a job dict in this process and return its protocol messages (tests, notebooks)."""
    messages: List[Dict[str, Any]] = []
    flag = stop or StopFlag()

    def sink(message: Dict[str, Any]) -> None:
        messages.append(message)
        if on_message is not None:
            on_message(message, flag)

    execute(lambda: parse_job(job, base_dir), lambda enabled: Emitter(None, enabled, sink), flag)
    return messages


def _protocol_stream() -> TextIO:
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "w", buffering=1, encoding="utf-8")


def environment() -> Dict[str, Any]:
    """What the app's settings check shows: Python, torch, CUDA and GPUs."""
    import platform

    info: Dict[str, Any] = {"python": platform.python_version(), "executable": sys.executable}
    try:
        import torch

        info["torch"] = torch.__version__
        info["cuda_build"] = torch.version.cuda
        info["cuda_available"] = bool(torch.cuda.is_available())
        gpus = []
        if info["cuda_available"]:
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                entry = {"index": index, "name": props.name, "total_memory": int(props.total_memory)}
                try:
                    free, _ = torch.cuda.mem_get_info(index)
                    entry["free_memory"] = int(free)
                except Exception:
                    pass
                gpus.append(entry)
            info["bf16"] = bool(torch.cuda.is_bf16_supported())
        info["gpus"] = gpus
    except Exception as exc:
        info["torch_error"] = str(exc)
    for name in ("torchaudio", "numpy", "yaml", "onnx", "onnxruntime"):
        try:
            module = __import__(name)
            info[name] = getattr(module, "__version__", "present")
        except Exception:
            info[name] = None
    return info


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openbeats_trainer",
                                     description="Run an OpenBEATs Studio trainer job (see README.md).")
    parser.add_argument("job", nargs="?", help="path of job.json")
    parser.add_argument("--check", action="store_true", help="print the environment as one `done` line and exit")
    args = parser.parse_args(argv)
    stream = _protocol_stream()
    if args.check:
        Emitter(stream).done("completed", environment=environment())
        return 0
    if not args.job:
        Emitter(stream).error("INVALID_REQUEST", "usage: python -m openbeats_trainer JOB.json")
        return 2
    stop = StopFlag()
    stop.install_signal_handlers()
    return execute(lambda: load_job(args.job), lambda enabled: Emitter(stream, enabled), stop)
