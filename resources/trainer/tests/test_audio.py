"""WAV decoding (the formats field recorders write) and piecewise 16 kHz access."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import torch

from openbeats_trainer.audio import decode_file, decode_frames, probe, to_mono_16k, write_wav_pcm16
from openbeats_trainer.protocol import TrainerError
from openbeats_trainer.recording import RecordingReader


def _wav(path, payload: bytes, tag: int, channels: int, rate: int, bits: int, extensible: bool = False,
         declared: int | None = None) -> None:
    block = channels * bits // 8
    if extensible:
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0)
        fmt += struct.pack("<H", tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    else:
        fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    size = len(payload) if declared is None else declared
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 3) + b"abc\x00"
    body += b"data" + struct.pack("<I", size) + payload
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_decodes_24_bit_extensible_stereo(tmp_path):
    values = np.array([[0, 4194304], [-8388608, -1]])  # frames × channels
    raw = b"".join(int(v).to_bytes(3, "little", signed=True) for v in values.flatten())
    _wav(tmp_path / "a.wav", raw, 1, 2, 48000, 24, extensible=True)
    audio = decode_file(str(tmp_path / "a.wav"))
    assert audio.sample_rate == 48000
    assert audio.samples.tolist() == [[0.0, -1.0], [0.5, -1 / 8388608]]


def test_decodes_float_and_8_bit(tmp_path):
    _wav(tmp_path / "f.wav", np.array([0.25, -0.5], "<f4").tobytes(), 3, 1, 16000, 32)
    assert decode_file(str(tmp_path / "f.wav")).samples.tolist() == [[0.25, -0.5]]
    _wav(tmp_path / "u8.wav", bytes([128, 0, 192]), 1, 1, 8000, 8)
    assert decode_file(str(tmp_path / "u8.wav")).samples.tolist() == [[0.0, -1.0, 0.5]]


def test_truncated_data_chunk_keeps_the_frames_present(tmp_path):
    payload = np.arange(10, dtype="<i2").tobytes()
    _wav(tmp_path / "t.wav", payload, 1, 1, 16000, 16, declared=1000)
    assert probe(str(tmp_path / "t.wav")).frames == 10
    audio = decode_frames(str(tmp_path / "t.wav"), 4, 100)
    assert (audio.samples[0] * 32768).tolist() == [4, 5, 6, 7, 8, 9]


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(TrainerError) as info:
        decode_file(str(tmp_path / "missing.wav"))
    assert info.value.code == "AUDIO_NOT_FOUND"
    (tmp_path / "junk.wav").write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    with pytest.raises(TrainerError) as info:
        decode_file(str(tmp_path / "junk.wav"))
    assert info.value.code == "AUDIO_CORRUPT"
    _wav(tmp_path / "alaw.wav", b"\x00\x00", 6, 1, 8000, 8)
    with pytest.raises(TrainerError) as info:
        decode_file(str(tmp_path / "alaw.wav"))
    assert info.value.code == "AUDIO_UNSUPPORTED"


@pytest.mark.parametrize("rate", [44100, 22050, 8000])
def test_piecewise_16k_reads_equal_a_whole_file_resample(tmp_path, rate):
    rng = np.random.default_rng(rate)
    write_wav_pcm16(str(tmp_path / "r.wav"), rng.standard_normal((2, rate * 2)) * 0.1, rate)
    whole = to_mono_16k(decode_file(str(tmp_path / "r.wav")))
    reader = RecordingReader(str(tmp_path / "r.wav"))
    assert reader.length == whole.numel() == 32000
    pieces = torch.cat([reader.read(s, s + 7001) for s in range(0, reader.length, 7001)])
    assert float((pieces - whole).abs().max()) < 1e-6


def test_segment_reader_starts_at_the_segment(tmp_path):
    samples = (np.arange(32000) % 1000) / 1000.0 - 0.5
    write_wav_pcm16(str(tmp_path / "s.wav"), samples, 16000)
    reader = RecordingReader(str(tmp_path / "s.wav"), 0.5, 1.5)
    assert reader.length == 16000
    expected = np.round(samples[8000:8010] * 32768) / 32768
    assert np.allclose(reader.read(0, 10).numpy(), expected, atol=1e-7)
