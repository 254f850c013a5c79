"""Random access to a recording as 16 kHz mono, piece by piece, with bounded memory.

For other sample rates a piece is decoded with a margin, starting on a sample where input and
output clocks coincide (a multiple of orig/gcd), resampled with torchaudio's default kernel and
cropped, so it equals the same span of a whole-file resample up to float rounding."""

from __future__ import annotations

import math

import torch

from .audio import Audio, decode_frames, probe, to_mono_16k
from .features import SAMPLE_RATE

_MARGIN_OUT = 64  # output samples; the default kernel reaches ±7 output samples when downsampling, ±13 up


class RecordingReader:
    def __init__(self, path: str, start_s: float = 0.0, end_s: float | None = None) -> None:
        self.path = path
        self.info = probe(path)
        rate = self.info.sample_rate
        self.rate = rate
        self.first_frame = int(round(start_s * rate))
        last = self.info.frames if end_s is None else min(self.info.frames, int(round(end_s * rate)))
        self.frames = max(0, last - self.first_frame)
        gcd = math.gcd(rate, SAMPLE_RATE)
        self.step_in, self.step_out = rate // gcd, SAMPLE_RATE // gcd
        # torchaudio's resampled length: ceil(frames · 16000 / rate)
        self.length = self.frames if rate == SAMPLE_RATE else -(-self.frames * SAMPLE_RATE // rate)

    def _decode(self, first: int, last: int) -> torch.Tensor:
        """Mono source samples [first, last) of the (segment-relative) source."""
        samples = decode_frames(self.path, self.first_frame + first, last - first).samples
        return samples.mean(dim=0) if samples.shape[0] > 1 else samples[0]

    def read(self, start: int, end: int) -> torch.Tensor:
        """16 kHz samples [start, end) (end clipped to the length)."""
        end = min(end, self.length)
        if end <= start:
            return torch.zeros(0)
        if self.rate == SAMPLE_RATE:
            return self._decode(start, end).contiguous()
        margin = -(-_MARGIN_OUT // self.step_out) * self.step_out
        out_first = max(0, (start - margin) // self.step_out * self.step_out)
        out_last = min(self.length, -(-(end + margin) // self.step_out) * self.step_out)
        in_first = out_first // self.step_out * self.step_in
        in_last = min(self.frames, -(-out_last // self.step_out) * self.step_in)
        mono = self._decode(in_first, in_last)
        resampled = to_mono_16k(Audio(mono.unsqueeze(0), self.rate))
        return resampled[start - out_first: end - out_first].contiguous()
