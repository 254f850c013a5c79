"""Each job type speaks the JSON-lines protocol and writes what it promises (tiny model, CPU)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

import synth
from conftest import REPO_ROOT
from openbeats_trainer.audio import write_wav_pcm16
from openbeats_trainer.checkpoint import load_checkpoint
from openbeats_trainer.cli import run_in_process
from openbeats_trainer.features import kaldi_fbank, normalize_fbank
from openbeats_trainer.tokenizers import load_tokenizer
from openbeats_trainer.windows import plan_chunks, window_count, window_means, window_patch_ranges

FAST = {"batch_size": 3, "progress_interval_s": 0, "epochs": 2}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audio")
    manifest = synth.make_dataset(str(folder), per_class=3, seconds=1.2)
    write_wav_pcm16(str(folder / "test_low.wav"), synth.tone_clip(500, 1.0, seed=77), 16000)
    manifest["items"].append({"id": "t0", "path": str(folder / "test_low.wav"), "labels": ["low"], "split": "test"})
    return manifest


@pytest.fixture(scope="module")
def finetuned(data, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ft"))
    messages = run_in_process(synth.job("finetune", out, data, {**FAST, "lr": 1e-3}), out)
    return out, messages


def _check_common(messages):
    assert messages[0]["type"] == "log"
    assert messages[-1]["type"] == "done", messages[-1]
    for m in synth.by_type(messages, "progress"):
        assert {"step", "total", "epoch", "samples_per_s", "eta_s"} <= set(m)
    json.dumps(messages, allow_nan=False)  # everything is plain JSON


def test_finetune_protocol_and_outputs(finetuned, data):
    out, messages = finetuned
    _check_common(messages)
    progress = synth.by_type(messages, "progress")
    assert [m["step"] for m in progress] == list(range(0, 5)) and progress[-1]["total"] == 4
    metrics = synth.by_type(messages, "metrics")
    assert [m["split"] for m in metrics] == ["train", "val", "train", "val", "test"]
    val = metrics[1]["values"]
    assert {"mAP", "roc_auc", "f1", "precision", "recall", "accuracy", "loss", "per_class"} <= set(val)
    assert set(val["per_class"]) == {"low", "high"}
    kinds = [m["kind"] for m in synth.by_type(messages, "checkpoint")]
    assert kinds.count("epoch") == 2 and "best" in kinds
    done = messages[-1]
    assert done["status"] == "completed" and done["outputs"]["test"]["n"] == 1
    loaded = load_checkpoint(done["outputs"]["model"])
    assert loaded.family == "trainer" and loaded.head.labels == ["low", "high"] and not loaded.head.multi_label
    assert loaded.cfg.extra["provenance"]["job_type"] == "finetune"
    lines = open(os.path.join(out, "metrics.jsonl"), encoding="utf-8").read().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["epoch"] == 1


def test_finetune_multi_label_continues_from_a_checkpoint_head(finetuned, data, tmp_path):
    ml = dict(data, multi_label=True)
    ml["items"] = [dict(i, labels=[] if i["id"] == "high_0" else i["labels"]) for i in data["items"]]
    model = {"checkpoint": finetuned[1][-1]["outputs"]["model"]}
    hp = {**FAST, "epochs": 1, "num_workers": 1}  # loader worker processes, as on a GPU machine
    messages = run_in_process(synth.job("finetune", str(tmp_path), ml, hp, model=model), str(tmp_path))
    _check_common(messages)
    assert any("continuing from the checkpoint's head" in m.get("message", "") for m in messages)
    assert "accuracy" not in synth.by_type(messages, "metrics")[1]["values"]
    assert load_checkpoint(messages[-1]["outputs"]["model"]).head.multi_label


def test_pretrain_reports_loss_accuracy_and_codebook_coverage(data, tmp_path):
    messages = run_in_process(synth.job("pretrain", str(tmp_path), data, FAST), str(tmp_path))
    _check_common(messages)
    train = [m["values"] for m in synth.by_type(messages, "metrics") if m["split"] == "train"]
    assert len(train) == 2
    for values in train:
        assert values["loss"] > 0 and 0 <= values["masked_accuracy"] <= 1
        assert 0 < values["target_code_coverage"] <= 1 and 0 < values["prediction_code_coverage"] <= 1
        # 6 train clips of 1.2 s: 118 frames → 7 time patches → 56 patches, 14 kept, 42 masked
        assert values["masked_patches"] == 6 * 42
    loaded = load_checkpoint(messages[-1]["outputs"]["model"])
    assert loaded.family == "trainer" and loaded.head is None
    assert load_tokenizer(os.path.join(str(tmp_path), "tokenizer_used.pt")).kind == "random"


def test_tokenizer_jobs_random_and_vq_then_pretrain_on_its_codes(finetuned, data, tmp_path):
    random_out = str(tmp_path / "random")
    messages = run_in_process(synth.job("tokenizer", random_out, {}, {"kind": "random"}), random_out)
    assert messages[-1]["status"] == "completed" and load_tokenizer(messages[-1]["outputs"]["model"]).kind == "random"
    vq_out = str(tmp_path / "vq")
    hp = {**FAST, "codebook_size": 16, "code_dim": 8, "decoder_layers": 1}
    messages = run_in_process(synth.job("tokenizer", vq_out, data, hp, model={"checkpoint": finetuned[1][-1]["outputs"]["model"]}), vq_out)
    _check_common(messages)
    values = synth.by_type(messages, "metrics")[0]["values"]
    assert {"loss", "cosine", "codebook", "commitment", "code_usage", "code_perplexity"} <= set(values)
    assert values["loss"] == pytest.approx(values["cosine"] + values["codebook"] + values["commitment"], rel=1e-5)
    tokenizer = load_tokenizer(messages[-1]["outputs"]["model"])
    assert tokenizer.kind == "vq" and float(tokenizer.quantize.initted) == 1.0
    pre_out = str(tmp_path / "pre")
    messages = run_in_process(synth.job("pretrain", pre_out, data, {**FAST, "epochs": 1, "tokenizer": messages[-1]["outputs"]["model"]}), pre_out)
    _check_common(messages)
    assert synth.by_type(messages, "metrics")[0]["values"]["target_code_coverage"] <= 1.0


def test_embed_windows_equal_a_direct_computation(finetuned, tmp_path):
    rng = np.random.default_rng(5)
    long = tmp_path / "long.wav"
    write_wav_pcm16(str(long), 0.2 * rng.standard_normal(16000 * 23), 16000)
    short = tmp_path / "short.wav"
    write_wav_pcm16(str(short), 0.2 * rng.standard_normal(1500), 16000)  # shorter than 0.2 s
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x04\x00\x00\x00WAVEjunk")
    items = [{"id": "long", "path": str(long)}, {"id": "short", "path": str(short)}, {"id": "bad", "path": str(bad)}]
    model_path = finetuned[1][-1]["outputs"]["model"]
    out = str(tmp_path / "emb")
    hp = {"window_s": 2.0, "hop_s": 0.75, "batch_size": 2, "progress_interval_s": 0}
    messages = run_in_process(synth.job("embed", out, {"items": items}, hp, model={"checkpoint": model_path}), out)
    done = messages[-1]
    assert done["status"] == "completed" and done["throughput"]["recordings"] == 2 and done["throughput"]["failed"] == 1
    assert done["throughput"]["audio_s"] == pytest.approx(23 + 1500 / 16000)
    assert {"decode", "fbank", "encoder", "overall_audio_s_per_s"} <= set(done["throughput"])
    index = json.load(open(done["outputs"]["index"], encoding="utf-8"))
    assert index["labels"] == ["low", "high"] and index["activation"] == "softmax" and index["dim"] == 64
    entries = {e["id"]: e for e in index["recordings"]}
    assert entries["bad"]["status"] == "error" and entries["bad"]["error"]["code"] == "AUDIO_CORRUPT"
    emb = np.load(os.path.join(out, entries["long"]["embeddings"]))
    scores = np.load(os.path.join(out, entries["long"]["scores"]))
    # direct: each chunk encoded alone, per-time-patch means, window means
    loaded = load_checkpoint(model_path)
    encoder = loaded.build_encoder().eval()
    wave = torch.from_numpy(np.round(np.clip(0.2 * np.random.default_rng(5).standard_normal(16000 * 23), -1, 1) * 32768)
                            .clip(-32768, 32767) / 32768).float()
    parts = []
    for chunk in plan_chunks(wave.numel(), 62):
        fb = normalize_fbank(kaldi_fbank(wave[chunk.start: chunk.start + chunk.length]), 15.41663, 6.55582)
        with torch.no_grad():
            out_chunk = encoder(fb.unsqueeze(0)).last_hidden[0]
        parts.append(out_chunk.view(-1, 8, 64).mean(1).numpy())
    features = np.concatenate(parts)
    assert entries["long"]["time_patches"] == features.shape[0] == 143
    expected = window_means(features, window_patch_ranges(features.shape[0], 2.0, 0.75))
    assert emb.shape == (window_count(143, 2.0, 0.75), 64) == (31, 64)
    assert float(np.abs(emb - expected).max()) < 1e-5
    logits = torch.from_numpy(expected).double() @ loaded.head.weight.double().t() + loaded.head.bias.double()
    assert float(np.abs(scores - torch.softmax(logits, -1).numpy()).max()) < 1e-5
    assert np.load(os.path.join(out, entries["short"]["embeddings"])).shape == (1, 64)
    # resume: nothing left to do, the index stays complete
    again = run_in_process(synth.job("embed", out, {"items": items}, hp, model={"checkpoint": model_path}, resume=True), out)
    assert again[-1]["throughput"]["recordings"] == 0 and again[-1]["throughput"]["failed"] == 1
    assert len(json.load(open(done["outputs"]["index"], encoding="utf-8"))["recordings"]) == 3


def test_export_writes_onnx_manifest_and_parity(finetuned, tmp_path, monkeypatch):
    node_modules = os.path.join(REPO_ROOT, "node_modules")
    monkeypatch.setenv("OPENBEATS_NODE_MODULES", node_modules)
    out = str(tmp_path)
    messages = run_in_process(synth.job("export", out, {}, {}, model={"checkpoint": finetuned[1][-1]["outputs"]["model"]}), out)
    done = messages[-1]
    assert done["type"] == "done", done
    manifest = json.load(open(done["outputs"]["manifest"], encoding="utf-8"))
    assert manifest["labels"] == ["low", "high"] and [o["name"] for o in manifest["outputs"]] == ["patch_embeddings", "logits"]
    assert manifest["input"]["normalization"]["mean"] == 15.41663 and os.path.getsize(done["outputs"]["onnx"]) > 10_000
    import onnx

    graph = onnx.load(done["outputs"]["onnx"]).graph
    assert [d.dim_param for d in graph.input[0].type.tensor_type.shape.dim] == ["batch", "frames", ""]
    if done["parity"]["status"] == "skipped":
        pytest.skip(f"no onnxruntime here: {done['parity']['reason']}")
    assert done["parity"]["status"] == "ok"
    assert max(done["parity"]["max_abs_diff"].values()) < 1e-4


def test_bad_requests_end_with_an_error_line(data, tmp_path):
    cases = [
        (synth.job("finetune", str(tmp_path), data, {"epochs": 1, "learning_rate": 1}), "INVALID_REQUEST"),
        (synth.job("finetune", str(tmp_path), dict(data, items=[]), {}), "TRAINING_DATA"),
        (dict(synth.job("finetune", str(tmp_path), data, {}), type="dance"), "INVALID_REQUEST"),
        (synth.job("finetune", str(tmp_path), dict(data, items=[{"path": "nope.wav", "labels": ["low"]}]), {}),
         "AUDIO_NOT_FOUND"),
        (synth.job("embed", str(tmp_path), data, {}, model={"checkpoint": str(tmp_path / "none.pt")}), "CHECKPOINT_INVALID"),
    ]
    for job, code in cases:
        messages = run_in_process(job, str(tmp_path))
        assert messages[-1]["type"] == "error" and messages[-1]["code"] == code, messages[-1]


def test_embed_with_loader_workers_and_fbank_on_the_device_path(finetuned, tmp_path):
    rng = np.random.default_rng(8)
    items = []
    for i, rate in enumerate((16000, 48000, 16000)):
        path = tmp_path / f"r{i}.wav"
        write_wav_pcm16(str(path), 0.2 * rng.standard_normal(int(rate * (4 + 7 * i))), rate)
        items.append({"id": f"r{i}", "path": str(path)})
    model = {"checkpoint": finetuned[1][-1]["outputs"]["model"]}
    base = {"window_s": 1.0, "hop_s": 1.0, "batch_size": 3, "chunk_patches": 20}
    runs = {}
    for name, extra in (("plain", {"num_workers": 0, "fbank_on": "worker"}),
                        ("workers", {"num_workers": 2, "fbank_on": "device"})):
        out = str(tmp_path / name)
        done = run_in_process(synth.job("embed", out, {"items": items}, {**base, **extra}, model=model), out)[-1]
        assert done["status"] == "completed" and done["throughput"]["recordings"] == 3, done
        index = json.load(open(done["outputs"]["index"], encoding="utf-8"))
        runs[name] = {e["id"]: np.load(os.path.join(out, e["embeddings"])) for e in index["recordings"]}
    assert runs["workers"].keys() == runs["plain"].keys()
    for key in runs["plain"]:
        # the batched fbank differs from torchaudio's by float rounding only
        assert float(np.abs(runs["workers"][key] - runs["plain"][key]).max()) < 1e-3


def test_gradient_checkpointing_gives_the_same_gradients():
    from openbeats_trainer.config import config_from_architecture
    from openbeats_trainer.model import BeatsEncoder

    torch.manual_seed(0)
    encoder = BeatsEncoder(config_from_architecture({"preset": "tiny", "dropout": 0.0, "attention_dropout": 0.0})).train()
    fbank = torch.randn(2, 64, 128)
    grads = []
    for enabled in (False, True):
        encoder.zero_grad()
        encoder.set_gradient_checkpointing(enabled)
        encoder(fbank, torch.tensor([64, 40])).last_hidden.square().mean().backward()
        grads.append(torch.cat([p.grad.flatten() for p in encoder.parameters()]))
    assert torch.allclose(grads[0], grads[1], atol=1e-6)
