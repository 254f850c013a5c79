"""Clip datasets over a data manifest and the seeded, resumable batch plan.

Every random choice is a pure function of (seed, epoch, item), so a run resumed mid-epoch sees
exactly the batches an uninterrupted run would, whatever the number of loader workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch.utils.data import Dataset

from .audio import decode_file, probe, to_mono_16k
from .features import kaldi_fbank, normalize_fbank, pad_min_length
from .job import DataItem, hash_id  # noqa: F401  (hash_id is imported from here too)
from .protocol import TrainerError

ItemKey = Tuple[int, int]  # (item index, epoch); epoch −1 = evaluation (deterministic crop)


def seeded_rng(*parts: int) -> np.random.Generator:
    return np.random.default_rng([int(p) & 0xFFFFFFFF for p in parts])


class EpochPlan:
    """This rank's batches of item indices for each epoch: a seeded permutation (or the identity),
    padded by wrapping to a multiple of `world` and dealt round-robin, like DistributedSampler."""

    def __init__(self, size: int, batch_size: int, seed: int, shuffle: bool, rank: int = 0, world: int = 1,
                 drop_last: bool = False) -> None:
        if size <= 0:
            raise TrainerError("TRAINING_DATA", "no items to train on")
        self.size, self.batch_size, self.seed, self.shuffle = size, batch_size, seed, shuffle
        self.rank, self.world, self.drop_last = rank, world, drop_last

    def indices(self, epoch: int) -> List[int]:
        order = seeded_rng(self.seed, 0x5A3D, epoch).permutation(self.size) if self.shuffle else np.arange(self.size)
        per_rank = -(-self.size // self.world)
        padded = np.resize(order, per_rank * self.world)
        return [int(i) for i in padded[self.rank::self.world]]

    def batches(self, epoch: int) -> List[List[int]]:
        mine = self.indices(epoch)
        out = [mine[i:i + self.batch_size] for i in range(0, len(mine), self.batch_size)]
        if self.drop_last and out and len(out[-1]) < self.batch_size and len(out) > 1:
            out.pop()
        return out

    def batches_per_epoch(self) -> int:
        return len(self.batches(0))


@dataclass
class ClipSettings:
    clip_seconds: float
    fbank_mean: float
    fbank_std: float
    seed: int


def item_bounds(item: DataItem) -> Tuple[float, float]:
    if item.segment is not None:
        return item.segment
    return 0.0, probe(item.path).duration_s


def load_clip(item: DataItem, settings: ClipSettings, epoch: int) -> torch.Tensor:
    """16 kHz mono waveform of the item, at most `clip_seconds` long: a seeded random crop when
    training (epoch ≥ 0), the centre when evaluating (epoch −1)."""
    start, end = item_bounds(item)
    length = end - start
    if settings.clip_seconds > 0 and length > settings.clip_seconds:
        if epoch >= 0:
            offset = float(seeded_rng(settings.seed, 0xC209, epoch, hash_id(item.id)).uniform(0.0, length - settings.clip_seconds))
        else:
            offset = (length - settings.clip_seconds) / 2.0
        start, end = start + offset, start + offset + settings.clip_seconds
    wave = to_mono_16k(decode_file(item.path, start, end))
    if wave.numel() == 0:
        raise TrainerError("AUDIO_EMPTY", f"{item.path}: segment [{start:.3f}, {end:.3f}] s holds no samples")
    return pad_min_length(wave)


class ClipDataset(Dataset):
    """Items → (normalised fbank [T, 128], target [C] or None). Indexed by (item, epoch)."""

    def __init__(self, items: Sequence[DataItem], settings: ClipSettings, labels: Optional[List[str]] = None) -> None:
        self.items = list(items)
        self.settings = settings
        self.label_index: Dict[str, int] = {name: i for i, name in enumerate(labels or [])}

    def __len__(self) -> int:
        return len(self.items)

    def target(self, item: DataItem) -> torch.Tensor:
        out = torch.zeros(len(self.label_index))
        for name in item.labels:
            out[self.label_index[name]] = 1.0
        return out

    def __getitem__(self, key: ItemKey) -> Dict[str, object]:
        index, epoch = key
        item = self.items[index]
        wave = load_clip(item, self.settings, epoch)
        fbank = normalize_fbank(kaldi_fbank(wave), self.settings.fbank_mean, self.settings.fbank_std)
        return {"fbank": fbank, "target": self.target(item) if self.label_index else None, "index": index}


def collate_clips(samples: List[Dict[str, object]]) -> Dict[str, torch.Tensor]:
    """Zero-pad fbanks to the longest clip; `frame_lengths` marks the valid frames."""
    fbanks = [s["fbank"] for s in samples]
    lengths = torch.tensor([f.shape[0] for f in fbanks], dtype=torch.long)  # type: ignore[union-attr]
    padded = torch.zeros(len(fbanks), int(lengths.max()), fbanks[0].shape[1])  # type: ignore[union-attr]
    for i, f in enumerate(fbanks):
        padded[i, : f.shape[0]] = f  # type: ignore[union-attr]
    batch: Dict[str, torch.Tensor] = {"fbank": padded, "frame_lengths": lengths,
                                      "index": torch.tensor([int(s["index"]) for s in samples])}  # type: ignore[arg-type]
    if samples[0]["target"] is not None:
        batch["target"] = torch.stack([s["target"] for s in samples])  # type: ignore[misc]
    return batch


def check_audio_readable(items: Sequence[DataItem]) -> None:
    """Fail early, naming the file, rather than in a loader worker halfway through an epoch."""
    for item in items:
        info = probe(item.path)
        if item.segment is not None and item.segment[0] >= info.duration_s:
            raise TrainerError("TRAINING_DATA", f"{item.path}: segment starts at {item.segment[0]} s, after the end "
                                                f"of the audio ({info.duration_s:.3f} s)", {"id": item.id})
