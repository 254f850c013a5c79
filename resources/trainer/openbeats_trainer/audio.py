"""Audio decoding and conversion to the encoder's 16 kHz mono input (spec §3.1).

WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE, RF64) is parsed here with numpy
and memory-mapped, so a segment of a long field recording costs only that segment. Other formats
go through torchaudio when it can decode them; otherwise AUDIO_UNSUPPORTED."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO, Optional, Tuple

import numpy as np
import torch

from .features import SAMPLE_RATE
from .protocol import TrainerError

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


@dataclass
class AudioInfo:
    path: str
    sample_rate: int
    channels: int
    frames: int
    codec: str

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


@dataclass
class Audio:
    samples: torch.Tensor  # [channels, frames] float32 in [-1, 1)
    sample_rate: int


@dataclass
class _WavLayout:
    info: AudioInfo
    data_offset: int
    dtype: np.dtype
    sample_bytes: int
    is_float: bool


def _fail(code: str, path: str, reason: str) -> TrainerError:
    return TrainerError(code, f"{path}: {reason}", {"path": path})


def _read_chunks(handle: BinaryIO, path: str, file_size: int) -> _WavLayout:
    head = handle.read(12)
    if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64"):
        raise _fail("AUDIO_UNSUPPORTED", path, "not a RIFF/WAVE file")
    rf64_data_size: Optional[int] = None
    fmt: Optional[Tuple[int, int, int, int, int]] = None
    while True:
        header = handle.read(8)
        if len(header) < 8:
            raise _fail("AUDIO_CORRUPT", path, "no data chunk")
        chunk_id, size = header[:4], struct.unpack("<I", header[4:])[0]
        start = handle.tell()
        if chunk_id == b"ds64":
            rf64_data_size = struct.unpack("<Q", handle.read(16)[8:16])[0]
        elif chunk_id == b"fmt ":
            body = handle.read(size)
            if len(body) < 16:
                raise _fail("AUDIO_CORRUPT", path, "fmt chunk too short")
            tag, channels, rate, _, block, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, channels, rate, block, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise _fail("AUDIO_CORRUPT", path, "data chunk before fmt chunk")
            if head[:4] == b"RF64" and size == 0xFFFFFFFF and rf64_data_size is not None:
                size = rf64_data_size
            tag, channels, rate, block, bits = fmt
            if channels < 1 or rate < 1 or block < 1:
                raise _fail("AUDIO_CORRUPT", path, "invalid fmt values")
            width = block // channels
            if tag == _PCM and width in (1, 2, 3, 4):
                dtype = np.dtype({1: "u1", 2: "<i2", 3: "u1", 4: "<i4"}[width])
            elif tag == _FLOAT and width in (4, 8):
                dtype = np.dtype({4: "<f4", 8: "<f8"}[width])
            else:
                raise _fail("AUDIO_UNSUPPORTED", path, f"WAV format tag {tag} with {bits}-bit samples")
            available = max(0, file_size - start)
            frames = min(size, available) // block  # a truncated file keeps what it has
            info = AudioInfo(path, rate, channels, frames, "wav")
            return _WavLayout(info, start, dtype, width, tag == _FLOAT)
        handle.seek(start + size + (size & 1))


def _wav_layout(path: str) -> _WavLayout:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            return _read_chunks(handle, path, size)
    except FileNotFoundError as exc:
        raise _fail("AUDIO_NOT_FOUND", path, "file not found") from exc
    except OSError as exc:
        raise _fail("AUDIO_NOT_FOUND", path, f"cannot read ({exc.strerror})") from exc


def _is_wav(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
    except FileNotFoundError as exc:
        raise _fail("AUDIO_NOT_FOUND", path, "file not found") from exc
    return head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE"


def _read_wav(layout: _WavLayout, start: int, count: int) -> np.ndarray:
    info = layout.info
    block = info.channels * layout.sample_bytes
    raw = np.memmap(info.path, dtype=np.uint8, mode="r", offset=layout.data_offset + start * block,
                    shape=(count * block,)) if count > 0 else np.zeros(0, np.uint8)
    if layout.sample_bytes == 3:
        b = np.asarray(raw).reshape(-1, 3).astype(np.int32)
        ints = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16))
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        values = ints.astype(np.float32) / float(1 << 23)
    else:
        typed = np.frombuffer(np.asarray(raw).tobytes(), dtype=layout.dtype)
        if layout.is_float:
            values = typed.astype(np.float32)
        elif layout.sample_bytes == 1:
            values = (typed.astype(np.float32) - 128.0) / 128.0
        else:
            values = typed.astype(np.float32) / float(1 << (8 * layout.sample_bytes - 1))
    return values.reshape(-1, info.channels).T.copy()


def probe(path: str) -> AudioInfo:
    if _is_wav(path):
        return _wav_layout(path).info
    ta = _torchaudio()
    try:
        meta = ta.info(path)
    except Exception as exc:
        raise _fail("AUDIO_UNSUPPORTED", path, f"cannot decode this format here ({exc})") from exc
    return AudioInfo(path, int(meta.sample_rate), int(meta.num_channels), int(meta.num_frames),
                     os.path.splitext(path)[1].lstrip(".").lower())


def _torchaudio():  # type: ignore[no-untyped-def]
    try:
        import torchaudio
    except Exception as exc:  # pragma: no cover - depends on the environment
        raise TrainerError("AUDIO_UNSUPPORTED", f"torchaudio is not importable ({exc})") from exc
    return torchaudio


def decode_frames(path: str, first: int = 0, count: Optional[int] = None) -> Audio:
    """Decode `count` frames (all when None) from frame `first` as float32 [channels, frames]."""
    if _is_wav(path):
        layout = _wav_layout(path)
        first = min(max(0, first), layout.info.frames)
        available = layout.info.frames - first
        count = available if count is None else max(0, min(count, available))
        audio = Audio(torch.from_numpy(_read_wav(layout, first, count)), layout.info.sample_rate)
    else:
        ta = _torchaudio()
        try:
            samples, rate = ta.load(path, frame_offset=max(0, first), num_frames=-1 if count is None else max(0, count))
        except FileNotFoundError as exc:
            raise _fail("AUDIO_NOT_FOUND", path, "file not found") from exc
        except Exception as exc:
            raise _fail("AUDIO_UNSUPPORTED", path, f"cannot decode this format here ({exc})") from exc
        audio = Audio(samples.to(torch.float32), int(rate))
    if not bool(torch.isfinite(audio.samples).all()):
        raise _fail("AUDIO_INVALID_SAMPLES", path, "contains NaN or infinite samples")
    return audio


def decode_file(path: str, start_s: Optional[float] = None, end_s: Optional[float] = None) -> Audio:
    """Decode [start_s, end_s) of a file (whole file by default) as float32 [channels, frames]."""
    rate = probe(path).sample_rate
    first = 0 if start_s is None else max(0, int(round(start_s * rate)))
    count = None if end_s is None else max(0, int(round(end_s * rate)) - first)
    return decode_frames(path, first, count)


def to_mono_16k(audio: Audio) -> torch.Tensor:
    """Average the channels, then torchaudio's default windowed-sinc resampler (as the `openbeats`
    package does)."""
    mono = audio.samples.mean(dim=0) if audio.samples.shape[0] > 1 else audio.samples[0]
    if audio.sample_rate == SAMPLE_RATE:
        return mono.contiguous()
    try:
        from torchaudio.functional import resample
    except Exception as exc:  # pragma: no cover - depends on the environment
        raise TrainerError("AUDIO_UNSUPPORTED",
                           f"resampling {audio.sample_rate} Hz needs torchaudio, which is not importable ({exc})") from exc
    return resample(mono, audio.sample_rate, SAMPLE_RATE).contiguous()


def write_wav_pcm16(path: str, samples: np.ndarray, sample_rate: int) -> None:
    """Write float samples [frames] or [channels, frames] as 16-bit PCM (test and demo audio)."""
    data = np.atleast_2d(np.asarray(samples, dtype=np.float64))
    ints = np.clip(np.round(data * 32768.0), -32768, 32767).astype("<i2").T.copy()
    channels = data.shape[0]
    payload = ints.tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(payload)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, _PCM, channels, sample_rate, sample_rate * 2 * channels,
                                    2 * channels, 16)
    header += b"data" + struct.pack("<I", len(payload))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(header + payload)
