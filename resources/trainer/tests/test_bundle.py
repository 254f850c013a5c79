"""The cluster bundle: self-contained folder, relative paths, exact torchrun command."""

from __future__ import annotations

import json
import os

import synth
from helpers_process import write_job
from openbeats_trainer.bundle import make_bundle
from openbeats_trainer.cli import run_in_process


def test_bundle_copies_audio_and_runs_from_its_folder(tmp_path):
    data = synth.make_dataset(str(tmp_path / "audio"), per_class=2, seconds=1.2)
    job = write_job(str(tmp_path / "job.json"), synth.job("finetune", str(tmp_path / "out"), data,
                                                          {"epochs": 1, "batch_size": 4}))
    result = make_bundle(job, str(tmp_path / "bundle"), copy_audio=True, nproc_per_node=4)
    bundle = result["dir"]
    assert "--nproc_per_node=4 -m openbeats_trainer job.json" in result["command"]
    script = open(os.path.join(bundle, "run.sh"), encoding="utf-8").read()
    assert "torch.distributed.run" in script and 'NPROC_PER_NODE:-4' in script
    assert os.access(os.path.join(bundle, "run.sh"), os.X_OK)
    assert os.path.isfile(os.path.join(bundle, "openbeats_trainer", "cli.py"))
    bundled = json.load(open(result["job"], encoding="utf-8"))
    assert bundled["output_dir"] == "output"
    assert all(item["path"].startswith("audio/") for item in bundled["data"]["items"])
    messages = run_in_process(bundled, bundle)
    assert messages[-1]["status"] == "completed"
    assert os.path.isfile(os.path.join(bundle, "output", "model.pt"))
