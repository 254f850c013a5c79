"""Stopping at any step and resuming gives the weights of an uninterrupted run (CPU, bit-exact)."""

from __future__ import annotations

import json
import os
import signal

import pytest
import torch

import synth
from helpers_process import parse_lines, start, write_job
from openbeats_trainer.cli import run_in_process
from openbeats_trainer.safe_pickle import safe_torch_load


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return synth.make_dataset(str(tmp_path_factory.mktemp("audio")), per_class=2, seconds=1.2)


def _stop_at(step: int):
    def hook(message, flag):
        if message["type"] == "progress" and message["step"] == step:
            flag.request()
    return hook


def _same_weights(a: str, b: str) -> None:
    x, y = safe_torch_load(a), safe_torch_load(b)
    assert x["model"].keys() == y["model"].keys()
    for key in x["model"]:
        assert torch.equal(x["model"][key], y["model"][key]), key
    if "head" in x:
        assert torch.equal(x["head"]["weight"], y["head"]["weight"])


@pytest.mark.parametrize("kind,stop_step", [("finetune", 2), ("pretrain", 1), ("tokenizer", 3)])
def test_stop_then_resume_equals_uninterrupted(data, tmp_path, kind, stop_step):
    # 4 train clips, batch 2 → 2 steps per epoch, 2 epochs = 4 steps; dropout and augmentation on
    hp = {"epochs": 2, "batch_size": 2, "progress_interval_s": 0, "lr": 1e-3, "dropout": 0.1}
    model = None
    if kind == "tokenizer":
        teacher = str(tmp_path / "teacher")
        run_in_process(synth.job("finetune", teacher, data, {"epochs": 1, "batch_size": 4}), teacher)
        model = {"checkpoint": os.path.join(teacher, "model.pt")}
        hp.update(codebook_size=8, code_dim=8, decoder_layers=1)
    full = str(tmp_path / "full")
    straight = run_in_process(synth.job(kind, full, data, hp, model=model), full)
    part = str(tmp_path / "part")
    first = run_in_process(synth.job(kind, part, data, hp, model=model), part, on_message=_stop_at(stop_step))
    assert first[-1]["status"] == "cancelled" and first[-1]["step"] == stop_step
    assert synth.by_type(first, "checkpoint")[-1]["kind"] in ("cancel", "epoch")
    second = run_in_process(synth.job(kind, part, data, hp, model=model, resume=True), part)
    assert second[-1]["status"] == "completed" and second[-1]["step"] == 4
    assert any(f"resumed at step {stop_step}" in m.get("message", "") for m in second)
    _same_weights(os.path.join(full, "model.pt"), os.path.join(part, "model.pt"))
    history = lambda msgs: [h["train"] for h in msgs[-1]["outputs"]["history"]]  # noqa: E731
    assert history(second) == history(straight)


def test_resume_refuses_a_changed_plan(data, tmp_path):
    out = str(tmp_path)
    hp = {"epochs": 2, "batch_size": 2, "progress_interval_s": 0}
    run_in_process(synth.job("finetune", out, data, hp), out, on_message=_stop_at(1))
    changed = run_in_process(synth.job("finetune", out, data, dict(hp, batch_size=4), resume=True), out)
    assert changed[-1]["type"] == "error" and changed[-1]["code"] == "INVALID_REQUEST"


def test_sigterm_saves_a_checkpoint_and_resume_finishes_identically(data, tmp_path):
    hp = {"epochs": 5, "batch_size": 2, "progress_interval_s": 0, "lr": 1e-3}
    # The reference run is a child process too: BLAS/oneDNN set up by the environment (threads)
    # may round differently from this pytest process.
    full = str(tmp_path / "full")
    reference = start([write_job(str(tmp_path / "full.json"), synth.job("finetune", full, data, hp))])
    assert parse_lines(reference.communicate(timeout=120)[0])[-1]["status"] == "completed"
    part = str(tmp_path / "part")
    job_path = write_job(str(tmp_path / "job.json"), synth.job("finetune", part, data, hp))
    process = start([job_path])
    lines = []
    for line in process.stdout:
        lines.append(json.loads(line))
        if lines[-1]["type"] == "progress" and lines[-1]["step"] >= 1:
            process.send_signal(signal.SIGTERM)
            break
    rest, _ = process.communicate(timeout=120)
    lines += parse_lines(rest)
    assert process.returncode == 0
    assert lines[-1]["type"] == "done" and lines[-1]["status"] == "cancelled", lines[-1]
    stopped_at = lines[-1]["step"]
    assert 1 <= stopped_at < 10
    assert synth.by_type(lines, "checkpoint")[-1]["step"] == stopped_at
    resumed = start([write_job(job_path, synth.job("finetune", part, data, hp, resume=True))])
    out, err = resumed.communicate(timeout=120)
    final = parse_lines(out)
    assert final[-1]["status"] == "completed" and final[-1]["step"] == 10, err[-2000:]
    _same_weights(os.path.join(full, "model.pt"), os.path.join(part, "model.pt"))
