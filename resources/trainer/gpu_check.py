#!/usr/bin/env python3
"""GPU check for the OpenBEATs trainer (issue 7): generates its own audio, runs a short fine-tune of a
Base-size, randomly initialised model (bf16 + gradient checkpointing on CUDA) and the `embed` GPU
analysis backend on generated hours, both through `python -m openbeats_trainer JOB.json`, and prints
one JSON object: training samples/s, audio-s/s per stage, peak GPU memory, fp32-vs-bf16 embedding
cosine. Needs torch (+ numpy); no network, no Node.

    python3 gpu_check.py                 # H100/H200: Base model, 2 h of audio
    python3 gpu_check.py --smoke         # any CPU: tiny model, seconds of audio (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from openbeats_trainer.audio import write_wav_pcm16  # noqa: E402

RATE = 16000


def _call(rng: np.random.Generator, kind: int, seconds: float) -> np.ndarray:
    """A clip with a background of filtered noise and a few calls of one of two kinds:
    kind 0 = tonal up-sweeps (2–4 kHz), kind 1 = noisy bursts around 6 kHz."""
    n = int(seconds * RATE)
    noise = rng.standard_normal(n)
    background = np.convolve(noise, np.ones(8) / 8.0, mode="same") * 0.02
    t = np.arange(n) / RATE
    clip = background
    for _ in range(int(rng.integers(2, 5))):
        start, length = rng.uniform(0, max(0.1, seconds - 0.6)), rng.uniform(0.15, 0.5)
        span = (t >= start) & (t < start + length)
        local = t[span] - start
        envelope = np.sin(np.pi * local / length) ** 2
        if kind == 0:
            f0 = rng.uniform(2000, 3000)
            phase = 2 * np.pi * (f0 * local + 0.5 * rng.uniform(1000, 2000) / length * local ** 2)
            clip[span] += 0.3 * envelope * np.sin(phase)
        else:
            carrier = np.sin(2 * np.pi * rng.uniform(5500, 6500) * local)
            clip[span] += 0.2 * envelope * carrier * rng.standard_normal(span.sum())
    return clip


def make_labelled(folder: str, count: int, seconds: float, seed: int) -> Dict[str, Any]:
    rng = np.random.default_rng(seed)
    items = []
    for i in range(count):
        kind = i % 2
        path = os.path.join(folder, f"clip_{i:04d}.wav")
        write_wav_pcm16(path, _call(rng, kind, seconds), RATE)
        items.append({"id": f"clip_{i}", "path": path, "labels": [("sweep", "burst")[kind]],
                      "split": "val" if i % 8 == 7 else "train"})
    return {"labels": ["sweep", "burst"], "multi_label": False, "items": items}


def make_recordings(folder: str, total_s: float, file_s: float, seed: int) -> List[Dict[str, Any]]:
    rng = np.random.default_rng(seed)
    items, index, remaining = [], 0, total_s
    while remaining > 1e-6:
        seconds = min(file_s, remaining)
        path = os.path.join(folder, f"rec_{index:04d}.wav")
        write_wav_pcm16(path, _call(rng, index % 2, seconds), RATE)
        items.append({"id": f"rec_{index}", "path": path})
        remaining -= seconds
        index += 1
    return items


def run_job(job: Dict[str, Any], path: str, timeout: float) -> Dict[str, Any]:
    """`python -m openbeats_trainer path` → the `done` line (raises on `error`)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(job, handle)
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""))
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "openbeats_trainer", path], env=env, capture_output=True, text=True,
                          timeout=timeout)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    final = lines[-1] if lines else {}
    if final.get("type") != "done":
        raise RuntimeError(f"{job['type']} failed (exit {done.returncode}): {json.dumps(final)[:2000]}\n"
                           f"{done.stderr[-3000:]}")
    final["process_seconds"] = time.perf_counter() - began
    final["metrics"] = [m for m in lines if m["type"] == "metrics"]
    return final


def embedding_cosines(a_dir: str, b_dir: str) -> Dict[str, Optional[float]]:
    a = json.load(open(os.path.join(a_dir, "index.json"), encoding="utf-8"))["recordings"]
    b = {r["id"]: r for r in json.load(open(os.path.join(b_dir, "index.json"), encoding="utf-8"))["recordings"]}
    values, clip = [], []
    for rec in a:
        other = b.get(rec["id"])
        if rec["status"] != "ok" or other is None or other["status"] != "ok":
            continue
        x = np.load(os.path.join(a_dir, rec["embeddings"])).astype(np.float64)
        y = np.load(os.path.join(b_dir, other["embeddings"])).astype(np.float64)
        values.append(np.sum(x * y, 1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)))
        cx, cy = x.mean(0), y.mean(0)
        clip.append(float(cx @ cy / (np.linalg.norm(cx) * np.linalg.norm(cy))))
    if not values:
        return {"window_min": None, "window_mean": None, "clip_min": None}
    cos = np.concatenate(values)
    return {"window_min": float(cos.min()), "window_mean": float(cos.mean()), "clip_min": float(min(clip))}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny model and data: runs anywhere in seconds")
    parser.add_argument("--out", help="work folder (default: a new temporary folder)")
    parser.add_argument("--hours", type=float, help="generated audio for the embed check (default 2, smoke 0.01)")
    parser.add_argument("--steps", type=int, help="fine-tune steps (default 40, smoke 2)")
    parser.add_argument("--batch-size", type=int, help="fine-tune batch (default 32, smoke 2)")
    parser.add_argument("--embed-batch", type=int, help="embed chunks per batch (default 128, smoke 4)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--timeout", type=float, default=540.0, help="seconds per job")
    args = parser.parse_args(argv)
    smoke = args.smoke
    work = args.out or tempfile.mkdtemp(prefix="openbeats-gpu-check-")
    os.makedirs(work, exist_ok=True)
    hours = args.hours if args.hours is not None else (0.01 if smoke else 2.0)
    steps = args.steps or (2 if smoke else 40)
    batch = args.batch_size or (2 if smoke else 32)
    embed_batch = args.embed_batch or (4 if smoke else 128)
    clip_s = 2.0 if smoke else 10.0
    arch = {"preset": "tiny" if smoke else "base"}
    workers = 0 if smoke else -1

    import torch

    report: Dict[str, Any] = {"torch": str(torch.__version__), "cuda": bool(torch.cuda.is_available()),
                              "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                              "smoke": smoke, "work_dir": work, "architecture": arch["preset"]}
    began = time.perf_counter()
    labelled = make_labelled(os.path.join(work, "clips"), 8 if smoke else batch * 8, clip_s, 1)
    file_s = 30.0 if smoke else 300.0
    recordings = make_recordings(os.path.join(work, "season"), hours * 3600.0, file_s, 2)
    report["audio_generation_s"] = time.perf_counter() - began

    finetune = run_job({
        "type": "finetune", "output_dir": os.path.join(work, "finetune"), "data": labelled, "seed": 1,
        "device": args.device, "model": {"architecture": arch},
        "hparams": {"epochs": 1000, "max_steps": steps, "batch_size": batch, "lr": 1e-4, "precision": "auto",
                    "num_workers": workers, "clip_seconds": clip_s, "eval_clip_seconds": clip_s,
                    "checkpoint_interval_s": 1e9, "checkpoint_epochs": 0, "progress_interval_s": 5.0},
    }, os.path.join(work, "finetune.json"), args.timeout)
    val = [m["values"] for m in finetune["metrics"] if m["split"] == "val"]
    report["finetune"] = {"steps": finetune["step"], "batch_size": batch, "clip_s": clip_s,
                          "process_seconds": finetune["process_seconds"], **finetune["throughput"],
                          "last_val_accuracy": val[-1].get("accuracy") if val else None}
    model_path = finetune["outputs"]["model"]

    def embed(name: str, items: List[Dict[str, Any]], precision: str) -> Dict[str, Any]:
        return run_job({
            "type": "embed", "output_dir": os.path.join(work, name), "data": {"items": items}, "seed": 1,
            "device": args.device, "model": {"checkpoint": model_path},
            "hparams": {"window_s": 3.0, "hop_s": 1.0, "batch_size": embed_batch, "precision": precision,
                        "num_workers": workers, "progress_interval_s": 5.0},
        }, os.path.join(work, f"{name}.json"), args.timeout)

    main_run = embed("embed", recordings, "auto")
    report["embed"] = {"process_seconds": main_run["process_seconds"], **main_run["throughput"]}
    rate = main_run["throughput"].get("overall_audio_s_per_s")
    report["embed"]["projected_minutes_for_1000_hours"] = (1000 * 3600 / rate / 60.0) if rate else None
    subset = recordings[: max(1, min(2, len(recordings)))]
    reference = embed("embed_fp32", subset, "fp32")
    report["embed_fp32_vs_run"] = {"precision": main_run["throughput"]["precision"],
                                   "fp32_audio_s_per_s": reference["throughput"].get("overall_audio_s_per_s"),
                                   **embedding_cosines(os.path.join(work, "embed"), os.path.join(work, "embed_fp32"))}
    report["total_seconds"] = time.perf_counter() - began
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
