"""The encoder reproduces the reference fixtures (spec §12) within the recommended tolerances."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import fixture_path, read_tensor, requires_fixtures
from openbeats_trainer.audio import decode_file, to_mono_16k
from openbeats_trainer.checkpoint import load_checkpoint
from openbeats_trainer.features import batched_fbank, kaldi_fbank, kaldi_mel_banks, normalize_fbank
from openbeats_trainer.model import masked_mean, relative_position_buckets

pytestmark = requires_fixtures
MEAN, STD = 15.41663, 6.55582


@pytest.fixture(scope="module")
def ssl(manifest):  # noqa: ARG001 - manifest only gates on the fixtures
    loaded = load_checkpoint(fixture_path("checkpoints/openbeats_ssl_tiny.pt"))
    return loaded.build_encoder().eval()


@pytest.fixture(scope="module")
def espnet_cls():
    return load_checkpoint(fixture_path("checkpoints/espnet_cls_tiny.pth"),
                           config_yaml=fixture_path("checkpoints/espnet_cls_tiny.config.yaml"))


def _wave(entry: dict) -> torch.Tensor:
    audio = decode_file(fixture_path(entry["wav"]))
    return to_mono_16k(audio)


def _maxabs(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).abs().max())


def _ids(manifest_waves):
    return [w["id"] for w in manifest_waves]


def test_relative_position_buckets_match_reference_table(manifest):
    table = read_tensor(manifest["tables"]["relative_position_bucket"])
    buckets = relative_position_buckets(2048, 2048, 320, 800)
    offsets = torch.arange(-2047, 2048)
    # row 2047 (query 2047) sees offsets −2047 … 0, row 0 sees 0 … 2047
    ours = torch.cat([buckets[2047, :2047], buckets[0, :2048]])
    assert torch.equal(ours.to(torch.int32), table), offsets[(ours.to(torch.int32) != table)][:5]


def test_mel_banks_match_kaldi_table(manifest):
    reference = read_tensor(manifest["tables"]["kaldi_mel_banks"])
    assert _maxabs(kaldi_mel_banks(), reference) < 2e-5


def test_every_fixture_wave_through_fbank_and_encoder(manifest, ssl):
    tol = manifest["tolerances_recommended"]
    for entry in manifest["waves"]:
        wave = _wave(entry)
        if "resampled_16k" in entry["tensors"]:
            assert _maxabs(wave, read_tensor(entry["tensors"]["resampled_16k"])) < 1e-6, entry["id"]
        assert wave.numel() == entry["num_samples_16k"]
        fbank = normalize_fbank(kaldi_fbank(wave), MEAN, STD)
        reference = read_tensor(entry["tensors"]["fbank_normalized"])
        assert fbank.shape == reference.shape
        assert _maxabs(fbank, reference) <= tol["fbank_normalized_maxabs"], entry["id"]
        with torch.no_grad():
            out = ssl(fbank.unsqueeze(0)).last_hidden[0]
        assert _maxabs(out, read_tensor(entry["tensors"]["output_final"])) <= tol["encoder_output_maxabs_end_to_end"], entry["id"]


def test_every_fixture_wave_from_reference_fbank_with_hidden_states(manifest, ssl):
    tol = manifest["tolerances_recommended"]["encoder_output_maxabs_given_reference_fbank"]
    for entry in manifest["waves"]:
        tensors = entry["tensors"]
        fbank = read_tensor(tensors["fbank_normalized"]).unsqueeze(0)
        with torch.no_grad():
            patches = ssl.patchify(fbank)
            projected = ssl.embed_patches(patches)
            out = ssl(fbank, output_hidden_states=True)
        assert _maxabs(patches[0], read_tensor(tensors["patch_conv_out"])) <= tol, entry["id"]
        assert _maxabs(projected[0], read_tensor(tensors["post_extract_proj_out"])) <= tol, entry["id"]
        assert len(out.hidden_states) == 3
        assert _maxabs(out.hidden_states[0][0], read_tensor(tensors["hidden_0_encoder_input"])) <= tol, entry["id"]
        for k in (1, 2):
            assert _maxabs(out.hidden_states[k][0], read_tensor(tensors[f"hidden_{k}"])) <= tol, (entry["id"], k)
        assert _maxabs(out.last_hidden[0], read_tensor(tensors["output_final"])) <= tol, entry["id"]


def test_espnet_classifier_logits_and_probabilities(manifest, espnet_cls):
    tol = manifest["tolerances_recommended"]["classifier_prob_maxabs_given_reference_fbank"]
    encoder = espnet_cls.build_encoder().eval()
    head = espnet_cls.head
    assert head is not None and head.labels == [f"class_{i}" for i in range(5)] and not head.multi_label
    for entry in manifest["waves"]:
        fbank = read_tensor(entry["tensors"]["fbank_normalized"]).unsqueeze(0)
        with torch.no_grad():
            out = encoder(fbank)
            logits = masked_mean(out.last_hidden, None) @ head.weight.t() + head.bias
        assert _maxabs(logits[0], read_tensor(entry["tensors"]["cls_logits"])) <= tol, entry["id"]
        assert _maxabs(torch.softmax(logits[0], -1), read_tensor(entry["tensors"]["cls_softmax"])) <= tol
        assert _maxabs(torch.sigmoid(logits[0], ), read_tensor(entry["tensors"]["cls_sigmoid"])) <= tol


def test_padded_batch_matches_single_clips(manifest, ssl):
    batch = manifest["batch"]
    waves = {w["id"]: w for w in manifest["waves"]}
    items = [_wave(waves[i]) for i in batch["items"]]
    assert [w.numel() for w in items] == batch["ilens"]
    fbanks = [normalize_fbank(kaldi_fbank(w), MEAN, STD) for w in items]
    frames = torch.tensor([f.shape[0] for f in fbanks])
    padded = torch.zeros(2, int(frames.max()), 128)
    for i, f in enumerate(fbanks):
        padded[i, : f.shape[0]] = f
    with torch.no_grad():
        out = ssl(padded, frames)
    reference = read_tensor(batch["tensors"]["output"])
    olens = batch["olens"]
    assert out.padding_mask is not None
    assert (~out.padding_mask).sum(1).tolist() == olens
    for i, n in enumerate(olens):
        assert _maxabs(out.last_hidden[i, :n], reference[i, :n]) <= 5e-3
    # The fallback fbank agrees with torchaudio's within the f32/f64 spread of the reference.
    own = normalize_fbank(batched_fbank(items[0].unsqueeze(0))[0], MEAN, STD)
    assert _maxabs(own, fbanks[0]) < 1e-2
    assert float(np.percentile((own - fbanks[0]).abs().numpy(), 99)) < 1e-3
