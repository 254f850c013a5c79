"""Kaldi log-mel fbank (spec §3.4), normalisation (§3.5) and the patch grid arithmetic (§3.6).

`torchaudio.compliance.kaldi.fbank` is the reference and is used when importable; the batched
implementation below (same formula, float32, any device) is the fallback and the GPU path."""

from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F

SAMPLE_RATE = 16000
FRAME_LENGTH = 400  # 25 ms
FRAME_SHIFT = 160  # 10 ms
NUM_MEL_BINS = 128
PATCH = 16
FREQ_PATCHES = NUM_MEL_BINS // PATCH
PATCH_HOP_SAMPLES = PATCH * FRAME_SHIFT  # 2560 samples = 160 ms between time patches
MIN_CLIP_SAMPLES = 3200  # 0.2 s: shorter clips are zero-padded to this (spec §3.2)
_FFT_SIZE = 512
_LOG_FLOOR = torch.finfo(torch.float32).eps

try:  # torchaudio ≥ 2.9 may drop parts of its API; the fallback keeps the trainer working.
    from torchaudio.compliance import kaldi as _kaldi
except Exception:  # pragma: no cover - depends on the installed torchaudio
    _kaldi = None


def num_frames(num_samples: int) -> int:
    return 0 if num_samples < FRAME_LENGTH else 1 + (num_samples - FRAME_LENGTH) // FRAME_SHIFT


def num_time_patches(num_samples: int) -> int:
    return num_frames(num_samples) // PATCH


def chunk_samples(time_patches: int) -> int:
    """Samples of a chunk holding exactly `time_patches` patches and no unused frame (2560·k + 240)."""
    return PATCH_HOP_SAMPLES * time_patches + (FRAME_LENGTH - FRAME_SHIFT)


def kaldi_mel_banks() -> torch.Tensor:
    """The [128, 257] Kaldi mel weight matrix (20 Hz … 8 kHz, float32, Nyquist column zero)."""

    def mel(f: torch.Tensor | float) -> torch.Tensor | float:
        if isinstance(f, torch.Tensor):
            return 1127.0 * (1.0 + f / 700.0).log()
        return 1127.0 * math.log(1.0 + f / 700.0)

    low, high = mel(20.0), mel(SAMPLE_RATE / 2)
    delta = (high - low) / (NUM_MEL_BINS + 1)
    index = torch.arange(NUM_MEL_BINS).unsqueeze(1)
    left = low + index * delta
    centre = low + (index + 1.0) * delta
    right = low + (index + 2.0) * delta
    bin_mel = mel((SAMPLE_RATE / _FFT_SIZE) * torch.arange(_FFT_SIZE // 2, dtype=torch.float32)).unsqueeze(0)
    up = (bin_mel - left) / (centre - left)
    down = (right - bin_mel) / (right - centre)
    weights = torch.clamp(torch.minimum(up, down), min=0.0)
    return F.pad(weights, (0, 1)).to(torch.float32)


_MEL_CACHE: dict = {}
_WINDOW_CACHE: dict = {}


def _cached(cache: dict, key: tuple, make) -> torch.Tensor:  # type: ignore[no-untyped-def]
    if key not in cache:
        cache[key] = make()
    return cache[key]


def batched_fbank(waves: torch.Tensor) -> torch.Tensor:
    """Raw Kaldi log-mel fbank of `waves` [B, S] in [-1, 1) → [B, T, 128] (float32, any device)."""
    x = waves.to(torch.float32) * 32768.0
    frames = x.unfold(-1, FRAME_LENGTH, FRAME_SHIFT)  # [B, T, 400], snip_edges
    frames = frames - frames.mean(dim=-1, keepdim=True)
    previous = torch.cat([frames[..., :1], frames[..., :-1]], dim=-1)
    frames = frames - 0.97 * previous
    dev = frames.device
    window = _cached(_WINDOW_CACHE, (str(dev),),
                     lambda: torch.hann_window(FRAME_LENGTH, periodic=False, dtype=torch.float32, device=dev).pow(0.85))
    frames = F.pad(frames * window, (0, _FFT_SIZE - FRAME_LENGTH))
    power = torch.fft.rfft(frames, dim=-1).abs().pow(2.0)
    banks = _cached(_MEL_CACHE, (str(dev),), lambda: kaldi_mel_banks().to(dev))
    energies = torch.matmul(power, banks.t())
    return torch.clamp(energies, min=_LOG_FLOOR).log()


def kaldi_fbank(wave: torch.Tensor) -> torch.Tensor:
    """Raw fbank of one mono 16 kHz waveform [S] in [-1, 1) → [T, 128], via torchaudio when present."""
    if wave.numel() < FRAME_LENGTH:
        return torch.zeros(0, NUM_MEL_BINS)
    if _kaldi is not None:
        return _kaldi.fbank((wave.to(torch.float32) * 32768.0).unsqueeze(0), num_mel_bins=NUM_MEL_BINS,
                            sample_frequency=SAMPLE_RATE, frame_length=25, frame_shift=10)
    return batched_fbank(wave.unsqueeze(0))[0]


def normalize_fbank(fbank: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """(x − mean) / (2·std): the factor 2 is part of the reference normalisation."""
    return (fbank - mean) / (2.0 * std)


def pad_min_length(wave: torch.Tensor, min_samples: int = MIN_CLIP_SAMPLES) -> torch.Tensor:
    """Zero-pad a too-short clip; the zeros count as signal so the clip keeps ≥ 1 valid patch."""
    if wave.shape[-1] >= min_samples:
        return wave
    return F.pad(wave, (0, min_samples - wave.shape[-1]))


def frame_lengths_from_samples(sample_lengths: torch.Tensor) -> torch.Tensor:
    return torch.where(sample_lengths >= FRAME_LENGTH, 1 + (sample_lengths - FRAME_LENGTH) // FRAME_SHIFT,
                       torch.zeros_like(sample_lengths))


def patch_padding_mask(frame_lengths: Optional[torch.Tensor], total_frames: int, batch: int,
                       device: torch.device) -> Optional[torch.Tensor]:
    """[B, N] True where a patch is padding: any padded frame under it (spec §4.7)."""
    if frame_lengths is None:
        return None
    time_patches = total_frames // PATCH
    valid_t = (frame_lengths.to(device) // PATCH).clamp(max=time_patches)
    t_index = torch.arange(time_patches, device=device).unsqueeze(0)
    pad_t = t_index >= valid_t.unsqueeze(1)  # [B, T']
    if not bool(pad_t.any()):
        return None
    return pad_t.unsqueeze(-1).expand(batch, time_patches, FREQ_PATCHES).reshape(batch, time_patches * FREQ_PATCHES)
