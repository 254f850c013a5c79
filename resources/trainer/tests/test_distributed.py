"""Two ranks (what torchrun starts): DDP on gloo, only rank 0 speaks and writes."""

from __future__ import annotations

import os
import socket

import synth
from helpers_process import parse_lines, start, trainer_env, write_job
from openbeats_trainer.checkpoint import load_checkpoint


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_ranks_train_together_and_only_rank_zero_reports(tmp_path):
    data = synth.make_dataset(str(tmp_path / "audio"), per_class=3, seconds=1.2)
    out = str(tmp_path / "out")
    job = write_job(str(tmp_path / "job.json"), synth.job("finetune", out, data, {"epochs": 1, "batch_size": 2,
                                                                                   "progress_interval_s": 0}))
    port = str(_free_port())
    ranks = [start([job], trainer_env({"RANK": str(r), "LOCAL_RANK": str(r), "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2",
                                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port})) for r in range(2)]
    results = [p.communicate(timeout=240) for p in ranks]
    assert [p.returncode for p in ranks] == [0, 0], results[0][1][-2000:] + results[1][1][-2000:]
    lead, other = parse_lines(results[0][0]), parse_lines(results[1][0])
    assert other == []
    assert lead[0]["world"] == 2
    done = lead[-1]
    # 6 train clips dealt to 2 ranks (3 each), batches of 2 and 1 → 2 steps, 6 clips seen
    assert done["status"] == "completed" and done["total"] == 2 and done["throughput"]["samples"] == 6
    assert load_checkpoint(os.path.join(out, "model.pt")).head.labels == ["low", "high"]
