"""`embed`: the GPU analysis backend. Window embeddings and head scores for every recording, with
decoding (+ resampling, + fbank unless it runs on the GPU) in loader worker processes feeding
large batches of equal-length chunks to the encoder."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from ..data import hash_id
from ..features import (FREQ_PATCHES, MIN_CLIP_SAMPLES, NUM_MEL_BINS, SAMPLE_RATE, batched_fbank, chunk_samples,
                        frame_lengths_from_samples, kaldi_fbank, normalize_fbank, num_frames)
from ..job import DataItem, JobSpec, parse_hparams
from ..protocol import Emitter, TrainerError
from ..recording import RecordingReader
from ..runtime import Runtime, StopFlag
from ..windows import MIN_WINDOW_S, plan_chunks, window_means, window_patch_ranges
from .common import prepare_output_dir, starting_model

INDEX_FORMAT = "openbeats-embeddings/1"


@dataclass
class EmbedHparams:
    window_s: float = 3.0
    hop_s: float = 1.0
    chunk_patches: int = 62  # k time patches per chunk: 2560·k + 240 samples (62 → 9.935 s)
    batch_size: int = 64  # chunks per encoder batch
    num_workers: int = -1  # −1: min(16, CPUs − 1) on CUDA, 0 on CPU
    precision: str = "auto"  # CUDA: bf16 by default; CPU: fp32
    fbank_on: str = "auto"  # auto (device on CUDA, worker on CPU) | worker | device
    layer: int = -1  # −1 = encoder output; k = hidden state after k layers
    prefetch_factor: int = 2
    progress_interval_s: float = 0.5


def _use_file_sharing_if_shm_is_small(emitter: Emitter) -> None:
    """Batches travel from loader workers through /dev/shm; containers often give it 64 MB."""
    try:
        size = shutil.disk_usage("/dev/shm").total
    except OSError:
        return
    if size < 8 * 1024 ** 3:
        torch.multiprocessing.set_sharing_strategy("file_system")
        emitter.log(f"/dev/shm holds only {size / 1024 ** 2:.0f} MB: worker batches go through files instead")


def _file_stem(item_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", item_id)[:80]
    return f"{safe}-{hash_id(item_id):08x}"


class ChunkStream(IterableDataset):
    """Yields batches of chunks (each worker its share of the recordings, in order) and error
    markers for recordings that cannot be read."""

    def __init__(self, items: List[DataItem], indices: List[int], hp: EmbedHparams, worker_fbank: bool,
                 mean: float, std: float) -> None:
        self.items, self.indices, self.hp = items, indices, hp
        self.worker_fbank, self.mean, self.std = worker_fbank, mean, std

    def _new_batch(self) -> Dict[str, Any]:
        return {"kind": "chunks", "rows": [], "data": [], "recordings": [], "decode_s": 0.0, "fbank_s": 0.0,
                "audio_s": 0.0}

    def _finish(self, batch: Dict[str, Any]) -> Dict[str, Any]:
        rows = batch.pop("rows")
        batch["rec"] = torch.tensor([r[0] for r in rows])
        batch["chunk"] = torch.tensor([r[1] for r in rows])
        batch["n_chunks"] = torch.tensor([r[2] for r in rows])
        batch["patches"] = torch.tensor([r[3] for r in rows])
        batch["length"] = torch.tensor([r[4] for r in rows])
        batch["x"] = torch.stack(batch.pop("data"))
        return batch

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        full = chunk_samples(self.hp.chunk_patches)
        full_frames = num_frames(full)
        batch = self._new_batch()
        for rec in self.indices[worker::workers]:
            item = self.items[rec]
            began = time.perf_counter()
            try:
                start, end = item.segment if item.segment is not None else (0.0, None)
                reader = RecordingReader(item.path, start, end)
                if reader.length == 0:
                    raise TrainerError("AUDIO_EMPTY", f"{item.path}: no samples")
                padded_length = max(reader.length, MIN_CLIP_SAMPLES)
                chunks = plan_chunks(padded_length, self.hp.chunk_patches)
                batch["recordings"].append({"rec": rec, "length": reader.length, "sample_rate": reader.rate,
                                            "chunks": len(chunks)})
                batch["audio_s"] += reader.length / SAMPLE_RATE
                batch["decode_s"] += time.perf_counter() - began
                for chunk in chunks:
                    began = time.perf_counter()
                    wave = reader.read(chunk.start, chunk.start + chunk.length)
                    if wave.numel() < chunk.length:  # only a recording shorter than 0.2 s gets zeros here
                        wave = torch.nn.functional.pad(wave, (0, chunk.length - wave.numel()))
                    batch["decode_s"] += time.perf_counter() - began
                    if self.worker_fbank:
                        began = time.perf_counter()
                        fb = normalize_fbank(kaldi_fbank(wave), self.mean, self.std)
                        data = torch.zeros(full_frames, NUM_MEL_BINS)
                        data[: fb.shape[0]] = fb
                        batch["fbank_s"] += time.perf_counter() - began
                    else:
                        data = torch.nn.functional.pad(wave, (0, full - wave.numel()))
                    batch["rows"].append((rec, chunk.index, len(chunks), chunk.patches, chunk.length))
                    batch["data"].append(data)
                    if len(batch["rows"]) >= self.hp.batch_size:
                        yield self._finish(batch)
                        batch = self._new_batch()
            except TrainerError as exc:
                yield {"kind": "error", "rec": rec, "code": exc.code, "message": exc.message}
        if batch["rows"]:
            yield self._finish(batch)


@dataclass
class _Pending:
    length: int
    sample_rate: int
    chunks: int
    parts: Dict[int, np.ndarray] = field(default_factory=dict)


class EmbedRun:
    def __init__(self, spec: JobSpec, hp: EmbedHparams, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> None:
        if hp.window_s < MIN_WINDOW_S or hp.hop_s <= 0:
            raise TrainerError("INVALID_REQUEST", f"hparams.window_s must be ≥ {MIN_WINDOW_S} s and hop_s > 0")
        if not 1 <= hp.chunk_patches <= 62:
            raise TrainerError("INVALID_REQUEST", "hparams.chunk_patches must lie in 1…62 (≤ 10 s chunks)")
        if hp.fbank_on not in ("auto", "worker", "device"):
            raise TrainerError("INVALID_REQUEST", "hparams.fbank_on must be auto, worker or device")
        if not spec.data.items:
            raise TrainerError("TRAINING_DATA", "embed needs data.items (the recordings)")
        self.spec, self.hp, self.runtime, self.emitter, self.stop = spec, hp, runtime, emitter, stop
        start = starting_model(spec, emitter)
        self.encoder = start.encoder.to(runtime.device).eval()
        self.source = start.source
        self.head = start.head
        self.cfg = self.encoder.cfg
        self.fbank_on = hp.fbank_on if hp.fbank_on != "auto" else ("device" if runtime.device.type == "cuda" else "worker")
        self.emb_dir = os.path.join(spec.output_dir, "embeddings")
        self.score_dir = os.path.join(spec.output_dir, "scores")
        suffix = "" if runtime.world == 1 else f".rank{runtime.rank}"
        self.index_path = os.path.join(spec.output_dir, f"index{suffix}.jsonl")
        self.pending: Dict[int, _Pending] = {}
        self.failed: set = set()
        self.timing = {"decode_s": 0.0, "worker_fbank_s": 0.0, "device_fbank_s": 0.0, "encoder_s": 0.0,
                       "data_wait_s": 0.0, "audio_s": 0.0, "recordings_done": 0, "recordings_failed": 0}

    # -- bookkeeping -----------------------------------------------------------------------------
    def _completed_ids(self) -> set:
        done: set = set()
        for path in glob.glob(os.path.join(self.spec.output_dir, "index*.jsonl")):
            with open(path, "r", encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if entry.get("status") == "ok" and os.path.isfile(os.path.join(self.spec.output_dir, entry["embeddings"])):
                        done.add(entry["id"])
        return done

    def _append_index(self, entry: Dict[str, Any]) -> None:
        with open(self.index_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def _save_npy(self, folder: str, stem: str, array: np.ndarray) -> str:
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, stem + ".npy")
        tmp = path + f".tmp-{os.getpid()}.npy"
        np.save(tmp, array)
        os.replace(tmp, path)
        return os.path.relpath(path, self.spec.output_dir)

    def _scores(self, embeddings: np.ndarray) -> Optional[np.ndarray]:
        if self.head is None:
            return None
        logits = torch.from_numpy(embeddings).double() @ self.head.weight.double().t() + self.head.bias.double()
        probs = torch.sigmoid(logits) if self.head.multi_label else torch.softmax(logits, dim=-1)
        return probs.float().numpy()

    def _finalize(self, rec: int) -> None:
        state = self.pending.pop(rec)
        item = self.spec.data.items[rec]
        features = np.concatenate([state.parts[i] for i in range(state.chunks)], axis=0)
        ranges = window_patch_ranges(features.shape[0], self.hp.window_s, self.hp.hop_s)
        embeddings = window_means(features, ranges)
        stem = _file_stem(item.id)
        entry: Dict[str, Any] = {
            "id": item.id, "path": item.path, "status": "ok", "duration_s": state.length / SAMPLE_RATE,
            "source_sample_rate": state.sample_rate, "time_patches": int(features.shape[0]),
            "windows": int(embeddings.shape[0]), "embeddings": self._save_npy(self.emb_dir, stem, embeddings),
            "scores": None}
        scores = self._scores(embeddings)
        if scores is not None:
            entry["scores"] = self._save_npy(self.score_dir, stem, scores)
        self._append_index(entry)
        self.timing["recordings_done"] += 1

    def _fail(self, rec: int, code: str, message: str) -> None:
        self.pending.pop(rec, None)
        self.failed.add(rec)
        item = self.spec.data.items[rec]
        self._append_index({"id": item.id, "path": item.path, "status": "error", "error": {"code": code, "message": message}})
        self.timing["recordings_failed"] += 1
        self.emitter.log(f"skipped recording {item.id}: {message}", "warn", code=code, id=item.id)

    # -- compute ---------------------------------------------------------------------------------
    def _launch(self, batch: Dict[str, Any]) -> Dict[str, Any]:
        """Queues one batch's fbank (on the device), encoder and copy back to the host. On CUDA this
        returns at once, so the host prepares the next batch while the GPU computes this one;
        `_collect` waits for it."""
        device = self.runtime.device
        cuda = device.type == "cuda"
        marks = [torch.cuda.Event(enable_timing=True) for _ in range(3)] if cuda else None
        began = time.perf_counter()
        if marks:
            marks[0].record()
        x = batch["x"].to(device, non_blocking=True)
        lengths = batch["length"].to(device, non_blocking=True)
        if self.fbank_on == "device":
            x = normalize_fbank(batched_fbank(x), self.cfg.fbank_mean, self.cfg.fbank_std)
            if marks:
                marks[1].record()
            else:
                self.timing["device_fbank_s"] += time.perf_counter() - began
                began = time.perf_counter()
        elif marks:
            marks[1].record()
        frames = frame_lengths_from_samples(lengths)
        # a batch of full chunks needs no padding mask; only the synchronising check for a short one is on the host
        partial = bool((batch["length"] < chunk_samples(self.hp.chunk_patches)).any())
        max_layer = None if self.hp.layer < 0 else self.hp.layer
        with torch.no_grad(), self.runtime.autocast():
            out = self.encoder(x, frames if partial else None, max_layer=max_layer).last_hidden
            per_time = out.float().view(out.shape[0], -1, FREQ_PATCHES, out.shape[-1]).mean(dim=2)
        if cuda:
            host = torch.empty(per_time.shape, dtype=per_time.dtype, pin_memory=True)
            host.copy_(per_time, non_blocking=True)
            marks[2].record()
        else:
            host = per_time
            self.timing["encoder_s"] += time.perf_counter() - began
        return {"batch": batch, "host": host, "marks": marks}

    def _collect(self, launched: Dict[str, Any]) -> np.ndarray:
        marks = launched["marks"]
        if marks:
            marks[2].synchronize()
            fbank_ms = marks[0].elapsed_time(marks[1])
            if self.fbank_on == "device":
                self.timing["device_fbank_s"] += fbank_ms / 1000.0
            self.timing["encoder_s"] += marks[1].elapsed_time(marks[2]) / 1000.0
        return launched["host"].numpy()

    def _store(self, batch: Dict[str, Any], features: np.ndarray) -> None:
        for row in range(features.shape[0]):
            rec = int(batch["rec"][row])
            if rec in self.failed or rec not in self.pending:
                continue
            state = self.pending[rec]
            state.parts[int(batch["chunk"][row])] = features[row, : int(batch["patches"][row])]
            if len(state.parts) == state.chunks:
                self._finalize(rec)

    def run(self) -> Dict[str, Any]:
        spec, hp, runtime = self.spec, self.hp, self.runtime
        if runtime.is_main:
            os.makedirs(spec.output_dir, exist_ok=True)
        runtime.barrier()
        done_ids = self._completed_ids() if spec.resume else set()
        if not spec.resume and os.path.exists(self.index_path):
            os.remove(self.index_path)
        todo = [i for i, item in enumerate(spec.data.items) if item.id not in done_ids][runtime.rank::runtime.world]
        workers = hp.num_workers if hp.num_workers >= 0 else (
            max(0, min(16, (os.cpu_count() or 2) - 1)) if runtime.device.type == "cuda" else 0)
        stream = ChunkStream(spec.data.items, todo, hp, self.fbank_on == "worker", self.cfg.fbank_mean, self.cfg.fbank_std)
        loader_args: Dict[str, Any] = {"batch_size": None, "num_workers": workers,
                                       "pin_memory": runtime.device.type == "cuda"}
        if workers > 0:
            loader_args["prefetch_factor"] = hp.prefetch_factor
            _use_file_sharing_if_shm_is_small(self.emitter)
        self.emitter.progress_interval_s = hp.progress_interval_s
        self.emitter.log(f"embedding {len(todo)} recordings ({len(done_ids)} already done), fbank on {self.fbank_on}, "
                         f"{workers} loader workers", slow=runtime.device.type != "cuda")
        if runtime.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(runtime.device)
        started = time.perf_counter()
        total = len(todo)
        self.emitter.progress(0, total, force=True, audio_s=0.0, audio_s_per_s=None, eta_s=None)
        cancelled = False
        in_flight: Optional[Dict[str, Any]] = None  # the batch the GPU is computing while the next one loads
        batches = iter(DataLoader(stream, **loader_args))
        while True:
            waited = time.perf_counter()
            batch = next(batches, None)
            self.timing["data_wait_s"] += time.perf_counter() - waited
            if batch is not None and batch["kind"] == "error":
                self._fail(int(batch["rec"]), batch["code"], batch["message"])
            elif batch is not None:
                for meta in batch["recordings"]:
                    self.pending[meta["rec"]] = _Pending(meta["length"], meta["sample_rate"], meta["chunks"])
                for key in ("decode_s", "audio_s"):
                    self.timing[key] += batch[key]
                self.timing["worker_fbank_s"] += batch["fbank_s"]
                launched = self._launch(batch)
                if in_flight is not None:
                    self._store(in_flight["batch"], self._collect(in_flight))
                in_flight = launched
            if batch is None or self.stop.requested:
                if in_flight is not None:
                    self._store(in_flight["batch"], self._collect(in_flight))
                    in_flight = None
            handled = self.timing["recordings_done"] + self.timing["recordings_failed"]
            elapsed = time.perf_counter() - started
            rate = self.timing["audio_s"] / elapsed if elapsed > 0 else None
            eta = elapsed / handled * (total - handled) if handled else None
            self.emitter.progress(handled, total, force=handled == total, audio_s=self.timing["audio_s"],
                                  audio_s_per_s=rate, eta_s=eta)
            if self.stop.requested:
                cancelled = True
                break
            if batch is None:
                break
        wall = time.perf_counter() - started
        runtime.barrier()
        index = self._write_index() if runtime.is_main and not cancelled else None
        result: Dict[str, Any] = {"status": "cancelled" if cancelled else "completed",
                                  "outputs": {"index": index, "output_dir": spec.output_dir},
                                  "throughput": self._throughput(wall, workers)}
        return result

    def _throughput(self, wall: float, workers: int) -> Dict[str, Any]:
        t = self.timing
        audio = t["audio_s"]

        def rate(seconds: float) -> Optional[float]:
            return audio / seconds if seconds > 0 else None

        out: Dict[str, Any] = {
            "device": str(self.runtime.device), "precision": self.runtime.precision, "audio_s": audio, "wall_s": wall,
            "overall_audio_s_per_s": rate(wall), "recordings": t["recordings_done"], "failed": t["recordings_failed"],
            "loader_workers": workers, "batch_size": self.hp.batch_size, "chunk_patches": self.hp.chunk_patches,
            # Worker stages are CPU seconds summed over workers: the rate is per worker process.
            "decode": {"cpu_s": t["decode_s"], "audio_s_per_s_per_worker": rate(t["decode_s"])},
            "fbank": {"on": self.fbank_on,
                      "seconds": t["worker_fbank_s"] if self.fbank_on == "worker" else t["device_fbank_s"],
                      "audio_s_per_s" + ("_per_worker" if self.fbank_on == "worker" else ""):
                          rate(t["worker_fbank_s"] if self.fbank_on == "worker" else t["device_fbank_s"])},
            "encoder": {"seconds": t["encoder_s"], "audio_s_per_s": rate(t["encoder_s"])},
            # the main loop waiting for loader workers (on CUDA the GPU may be busy meanwhile)
            "data_wait_s": t["data_wait_s"],
        }
        if self.runtime.device.type == "cuda":
            out["peak_gpu_memory_bytes"] = int(torch.cuda.max_memory_allocated(self.runtime.device))
        return out

    def _write_index(self) -> str:
        entries: Dict[str, Dict[str, Any]] = {}
        for path in sorted(glob.glob(os.path.join(self.spec.output_dir, "index*.jsonl"))):
            with open(path, "r", encoding="utf-8") as handle:
                for line in handle:
                    entry = json.loads(line)
                    if entry["id"] not in entries or entry.get("status") == "ok":
                        entries[entry["id"]] = entry
        head = self.head
        index = {
            "format": INDEX_FORMAT, "window_s": self.hp.window_s, "hop_s": self.hp.hop_s,
            "chunk_patches": self.hp.chunk_patches, "layer": self.hp.layer, "dim": self.cfg.encoder_embed_dim,
            "precision": self.runtime.precision, "model": self.source,
            "fbank": {"mean": self.cfg.fbank_mean, "std": self.cfg.fbank_std, "on": self.fbank_on},
            "labels": head.labels if head else None,
            "activation": (("sigmoid" if head.multi_label else "softmax") if head else None),
            "recordings": [entries[item.id] for item in self.spec.data.items if item.id in entries],
        }
        path = os.path.join(self.spec.output_dir, "index.json")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(index, handle, indent=1)
        os.replace(tmp, path)
        return path


def run(spec: JobSpec, runtime: Runtime, emitter: Emitter, stop: StopFlag) -> Dict[str, Any]:
    hp = parse_hparams(EmbedHparams, spec.hparams)
    prepare_output_dir(spec, runtime)
    return EmbedRun(spec, hp, runtime, emitter, stop).run()
