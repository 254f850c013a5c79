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
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional, Tuple

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


def _write_recording(job: Tuple[str, int, float, int]) -> None:
    path, index, seconds, seed = job
    write_wav_pcm16(path, _call(np.random.default_rng([seed, index]), index % 2, seconds), RATE)


def make_recordings(folder: str, total_s: float, file_s: float, seed: int) -> List[Dict[str, Any]]:
    """Files of `file_s` seconds (the last one shorter) adding up to `total_s`, each from its own
    seeded generator, so the content does not depend on how many processes write them."""
    os.makedirs(folder, exist_ok=True)
    jobs, index, remaining = [], 0, total_s
    while remaining > 1e-6:
        seconds = min(file_s, remaining)
        jobs.append((os.path.join(folder, f"rec_{index:04d}.wav"), index, seconds, seed))
        remaining -= seconds
        index += 1
    processes = min(len(jobs), os.cpu_count() or 1, 16)
    if processes > 1:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            pool.map(_write_recording, jobs)
    else:
        for job in jobs:
            _write_recording(job)
    return [{"id": f"rec_{i}", "path": path} for path, i, _, _ in jobs]


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


def _window_and_clip_cosines(x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, float]:
    """Cosine of each window pair of two [W, D] embeddings, and of their clip means (float64)."""
    x, y = x.astype(np.float64), y.astype(np.float64)
    window = np.sum(x * y, 1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    cx, cy = x.mean(0), y.mean(0)
    return window, float(cx @ cy / (np.linalg.norm(cx) * np.linalg.norm(cy)))


def embedding_cosines(a_dir: str, b_dir: str) -> Dict[str, Optional[float]]:
    a = json.load(open(os.path.join(a_dir, "index.json"), encoding="utf-8"))["recordings"]
    b = {r["id"]: r for r in json.load(open(os.path.join(b_dir, "index.json"), encoding="utf-8"))["recordings"]}
    values, clip = [], []
    for rec in a:
        other = b.get(rec["id"])
        if rec["status"] != "ok" or other is None or other["status"] != "ok":
            continue
        window, clip_cos = _window_and_clip_cosines(np.load(os.path.join(a_dir, rec["embeddings"])),
                                                    np.load(os.path.join(b_dir, other["embeddings"])))
        values.append(window)
        clip.append(clip_cos)
    if not values:
        return {"window_min": None, "window_mean": None, "clip_min": None}
    cos = np.concatenate(values)
    return {"window_min": float(cos.min()), "window_mean": float(cos.mean()), "clip_min": float(min(clip))}


def ort_window_embeddings(onnx_path: str, wav_path: str, window_s: float, hop_s: float, mean: float, std: float,
                          chunk_patches: int = 62) -> Tuple[np.ndarray, str, float]:
    """Window embeddings of one recording the way the app's analysis computes them, with
    onnxruntime (CPU, fp32; the Python package, else onnxruntime-node) as the encoder: 16 kHz chunks
    of the embed job's plan, Kaldi fbank on the CPU, each chunk's real frames only (equal-length
    chunks in one batch), mean over the frequency patches, window means over time patches.
    → (embeddings [W, D], runtime, encoder seconds)."""
    import torch

    from openbeats_trainer.features import FREQ_PATCHES, MIN_CLIP_SAMPLES, kaldi_fbank, normalize_fbank
    from openbeats_trainer.onnx_parity import run_onnx
    from openbeats_trainer.recording import RecordingReader
    from openbeats_trainer.windows import plan_chunks, window_means, window_patch_ranges

    reader = RecordingReader(wav_path)
    chunks = plan_chunks(max(reader.length, MIN_CLIP_SAMPLES), chunk_patches)
    fbanks = []
    for chunk in chunks:
        wave = reader.read(chunk.start, chunk.start + chunk.length)
        if wave.numel() < chunk.length:
            wave = torch.nn.functional.pad(wave, (0, chunk.length - wave.numel()))
        fbanks.append(normalize_fbank(kaldi_fbank(wave), mean, std).numpy().astype(np.float32))
    parts: Dict[int, np.ndarray] = {}
    runtime, seconds = "", 0.0
    for frames in sorted({f.shape[0] for f in fbanks}):
        members = [i for i, f in enumerate(fbanks) if f.shape[0] == frames]
        began = time.perf_counter()
        runtime, outputs, reason = run_onnx(onnx_path, np.stack([fbanks[i] for i in members]),
                                            threads=min(16, os.cpu_count() or 1))
        seconds += time.perf_counter() - began
        if outputs is None:
            raise RuntimeError(reason)
        patches = outputs["patch_embeddings"]
        per_time = patches.reshape(patches.shape[0], -1, FREQ_PATCHES, patches.shape[-1]).mean(axis=2)
        for row, i in enumerate(members):
            parts[i] = per_time[row, : chunks[i].patches]
    features = np.concatenate([parts[i] for i in range(len(chunks))], axis=0)
    return window_means(features, window_patch_ranges(features.shape[0], window_s, hop_s)), str(runtime), seconds


def compare_with_onnxruntime(work: str, model_path: str, recording: Dict[str, Any], runs: Dict[str, str],
                             timeout: float) -> Dict[str, Any]:
    """Exports the fine-tuned model (the trainer's `export` job, which checks ONNX against PyTorch)
    and compares the GPU runs' window embeddings of one recording with onnxruntime's."""
    exported = run_job({"type": "export", "output_dir": os.path.join(work, "export"), "seed": 1, "device": "cpu",
                        "model": {"checkpoint": model_path}, "hparams": {"include_head": False}},
                       os.path.join(work, "export.json"), timeout)
    manifest = json.load(open(exported["outputs"]["manifest"], encoding="utf-8"))
    norm = manifest["input"]["normalization"]
    embeddings, runtime, seconds = ort_window_embeddings(exported["outputs"]["onnx"], recording["path"], 3.0, 1.0,
                                                         norm["mean"], norm["std"])
    out: Dict[str, Any] = {"export_parity": exported["parity"], "runtime": runtime, "windows": int(embeddings.shape[0]),
                           "ort_encoder_seconds": seconds}
    for name, run_dir in runs.items():
        index = json.load(open(os.path.join(run_dir, "index.json"), encoding="utf-8"))["recordings"]
        entry = next(r for r in index if r["id"] == recording["id"])
        gpu = np.load(os.path.join(run_dir, entry["embeddings"]))
        if gpu.shape != embeddings.shape:
            raise RuntimeError(f"{name}: {gpu.shape} windows vs onnxruntime's {embeddings.shape}")
        window, clip = _window_and_clip_cosines(gpu, embeddings)
        out[name] = {"window_min": float(window.min()), "window_mean": float(window.mean()), "clip": clip}
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny model and data: runs anywhere in seconds")
    parser.add_argument("--out", help="work folder (default: a new temporary folder)")
    parser.add_argument("--hours", type=float, help="generated audio for the embed check (default 2, smoke 0.01)")
    parser.add_argument("--steps", type=int, help="fine-tune steps (default 40, smoke 2)")
    parser.add_argument("--batch-size", type=int, help="fine-tune batch (default 32, smoke 2)")
    parser.add_argument("--embed-batch", type=int, help="embed chunks per batch (default 128, smoke 4)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--no-ort", action="store_true", help="skip the export + onnxruntime comparison")
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
    if not args.no_ort:
        try:
            report["vs_onnxruntime"] = compare_with_onnxruntime(
                work, model_path, subset[0], {"embed": os.path.join(work, "embed"), "embed_fp32": os.path.join(work, "embed_fp32")},
                args.timeout)
            report["vs_onnxruntime"]["embed_precision"] = main_run["throughput"]["precision"]
        except Exception as exc:  # the GPU figures above stand without it; say why it is missing
            report["vs_onnxruntime"] = {"error": f"{type(exc).__name__}: {exc}"[:3000]}
    report["total_seconds"] = time.perf_counter() - began
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
