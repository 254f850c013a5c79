"""Safe loading of the three checkpoint layouts (spec §1) and of the trainer's own files."""

from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile

import pytest
import torch
import yaml

from conftest import fixture_path, read_tensor, requires_fixtures
from openbeats_trainer.checkpoint import HeadWeights, load_checkpoint, save_trainer_checkpoint
from openbeats_trainer.config import config_from_architecture
from openbeats_trainer.model import BeatsEncoder, masked_mean
from openbeats_trainer.protocol import TrainerError
from openbeats_trainer.safe_pickle import scan_checkpoint


def _out(encoder: BeatsEncoder, entry: dict) -> torch.Tensor:
    with torch.no_grad():
        return encoder.eval()(read_tensor(entry["tensors"]["fbank_normalized"]).unsqueeze(0)).last_hidden[0]


@requires_fixtures
def test_openbeats_ssl_layout_uses_cfg_and_espnet_defaults(manifest):
    loaded = load_checkpoint(fixture_path("checkpoints/openbeats_ssl_tiny.pt"))
    assert loaded.family == "openbeats-ssl" and loaded.head is None
    cfg = loaded.cfg
    assert (cfg.encoder_layers, cfg.encoder_embed_dim, cfg.encoder_attention_heads, cfg.embed_dim) == (2, 64, 4, 32)
    assert cfg.deep_norm and cfg.gru_rel_pos and cfg.max_distance == 800 and cfg.input_patch_size == 16
    assert loaded.sources["deep_norm"] == "cfg" and loaded.sources["attention_dropout"] == "default"
    assert (cfg.fbank_mean, cfg.fbank_std) == (15.41663, 6.55582)


@requires_fixtures
def test_microsoft_finetuned_layout_gives_head_and_labels(manifest):
    loaded = load_checkpoint(fixture_path("checkpoints/ms_beats_tiny_finetuned.pt"))
    assert loaded.family == "microsoft"
    assert loaded.head is not None and loaded.head.multi_label
    assert loaded.head.labels == [f"class_{i}" for i in range(5)]
    entry = manifest["waves"][0]
    out = _out(loaded.build_encoder(), entry)
    probs = torch.sigmoid(masked_mean(out.unsqueeze(0), None) @ loaded.head.weight.t() + loaded.head.bias)[0]
    assert float((probs - read_tensor(entry["tensors"]["ms_finetuned_probs"])).abs().max()) <= 1e-5


@requires_fixtures
def test_espnet_finetuned_layout_with_token_list_file_drops_unk(tmp_path, manifest):
    config = yaml.safe_load(open(fixture_path("checkpoints/espnet_cls_tiny.config.yaml"), encoding="utf-8"))
    tokens = config.pop("token_list")
    config["token_list"] = "token_list"
    (tmp_path / "token_list").write_text("\n".join(["owl", "wren", "tit", "jay", "kite", "<unk>"]) + "\n")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    loaded = load_checkpoint(fixture_path("checkpoints/espnet_cls_tiny.pth"), str(tmp_path / "config.yaml"))
    assert tokens[-1] == "<unk>"
    assert loaded.family == "espnet-finetuned"
    assert loaded.head is not None and loaded.head.labels == ["owl", "wren", "tit", "jay", "kite"]
    assert not loaded.head.multi_label  # classification_type multi-class
    assert loaded.cfg.encoder_layerdrop == 0.1  # training override from beats_config
    assert all(loaded.sources[k] == "inferred" for k in ("encoder_layers", "encoder_embed_dim", "num_buckets"))
    entry = manifest["waves"][1]
    out = _out(loaded.build_encoder(), entry)
    assert float((out - read_tensor(entry["tensors"]["output_final"])).abs().max()) <= 1e-4


@requires_fixtures
def test_espnet_finetuned_without_config_infers_architecture_from_shapes():
    loaded = load_checkpoint(fixture_path("checkpoints/espnet_cls_tiny.pth"))
    assert loaded.cfg.conv_pos == 16 and loaded.cfg.conv_pos_groups == 4 and loaded.cfg.encoder_ffn_embed_dim == 128
    assert loaded.cfg.deep_norm and loaded.cfg.max_distance == 800
    assert loaded.head is not None and loaded.head.labels[0] == "class_0"
    assert any("no config.yaml" in w for w in loaded.warnings)


@requires_fixtures
def test_both_weight_norm_styles_pad_helpers_and_prefix_load_the_same_weights(tmp_path, manifest):
    raw = torch.load(fixture_path("checkpoints/espnet_cls_tiny.pth"))
    reference = load_checkpoint(fixture_path("checkpoints/espnet_cls_tiny.pth")).build_encoder()
    g = raw.pop("encoder.encoder.pos_conv.0.weight_g")
    v = raw.pop("encoder.encoder.pos_conv.0.weight_v")
    raw["encoder.encoder.pos_conv.0.parametrizations.weight.original0"] = g
    raw["encoder.encoder.pos_conv.0.parametrizations.weight.original1"] = v
    raw["encoder.patch_embedding_pad.weight"] = torch.ones(1, 1, 16, 16)
    raw["encoder.raw2fbank_pad.weight"] = torch.ones(1, 1, 400)
    path = str(tmp_path / "new_style.pth")
    torch.save(collections.OrderedDict(raw), path)
    loaded = load_checkpoint(path)
    entry = manifest["waves"][2]
    assert torch.equal(_out(loaded.build_encoder(), entry), _out(reference, entry))
    folded = {k: v for k, v in raw.items() if "parametrizations" not in k}
    folded["encoder.encoder.pos_conv.0.weight"] = reference.encoder.pos_conv[0].weight().detach()
    path = str(tmp_path / "folded.pth")
    torch.save(folded, path)
    diff = (_out(load_checkpoint(path).build_encoder(), entry) - _out(reference, entry)).abs().max()
    assert float(diff) <= 1e-5


def _evil_checkpoint(path: str, marker: str) -> None:
    class Evil:
        def __reduce__(self):  # noqa: D105 - the payload under test
            return (os.system, (f"touch {marker}",))

    payload = pickle.dumps({"model": Evil(), "cfg": {}}, protocol=2)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("evil/data.pkl", payload)
        archive.writestr("evil/version", "3\n")


def test_rejects_a_pickle_that_imports_os_system(tmp_path):
    marker = tmp_path / "pwned"
    path = str(tmp_path / "evil.pt")
    _evil_checkpoint(path, str(marker))
    with pytest.raises(TrainerError) as info:
        load_checkpoint(path)
    assert info.value.code == "CHECKPOINT_UNSAFE"
    assert "system" in info.value.message
    assert not marker.exists()


def test_rejects_a_legacy_non_zip_pickle(tmp_path):
    path = tmp_path / "legacy.pt"
    buffer = io.BytesIO()
    pickle.dump({"model": {}}, buffer)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TrainerError) as info:
        load_checkpoint(str(path))
    assert info.value.code == "CHECKPOINT_UNSUPPORTED"


def test_trainer_checkpoint_round_trips_with_only_weights_globals(tmp_path):
    torch.manual_seed(0)
    encoder = BeatsEncoder(config_from_architecture({"preset": "tiny", "fbank_mean": 14.0}))
    head = HeadWeights(torch.randn(3, 64), torch.randn(3), ["a", "b", "c"], True)
    path = str(tmp_path / "model.pt")
    save_trainer_checkpoint(path, encoder, head, {"provenance": {"torch": torch.__version__}})
    assert scan_checkpoint(path) == {"collections.OrderedDict", "torch.FloatStorage", "torch._utils._rebuild_tensor_v2"}
    loaded = load_checkpoint(path)
    assert loaded.family == "trainer" and loaded.cfg.fbank_mean == 14.0
    assert loaded.head is not None and loaded.head.labels == ["a", "b", "c"] and loaded.head.multi_label
    assert torch.equal(loaded.head.weight, head.weight)
    rebuilt = loaded.build_encoder()
    for key, value in encoder.state_dict().items():
        assert torch.equal(rebuilt.state_dict()[key], value), key
    assert "format" not in loaded.cfg.extra and "labels" not in loaded.cfg.extra


def test_mismatched_weights_are_reported_not_crashed(tmp_path):
    encoder = BeatsEncoder(config_from_architecture({"preset": "tiny"}))
    state = {k: v for k, v in encoder.state_dict().items() if "fc2" not in k}
    path = str(tmp_path / "broken.pt")
    torch.save({"model": state, "cfg": {}}, path)
    with pytest.raises(TrainerError) as info:
        load_checkpoint(path).build_encoder()
    assert info.value.code == "CHECKPOINT_INVALID" and info.value.details["missing"]
