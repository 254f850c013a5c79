"""Shared test setup: import path, thread count, fixture locations."""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest
import torch

TRAINER_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TRAINER_ROOT not in sys.path:
    sys.path.insert(0, TRAINER_ROOT)

torch.set_num_threads(1)

# ../shared beside the checkout (the repo root is two folders above resources/trainer).
REPO_ROOT = os.path.dirname(os.path.dirname(TRAINER_ROOT))
FIXTURES = os.environ.get("OPENBEATS_FIXTURES",
                          os.path.join(os.path.dirname(REPO_ROOT), "shared", "fixtures", "openbeats-tiny"))


def fixtures_available() -> bool:
    return os.path.isfile(os.path.join(FIXTURES, "manifest.json"))


requires_fixtures = pytest.mark.skipif(not fixtures_available(),
                                       reason=f"../shared fixtures not found at {FIXTURES}")


@pytest.fixture(scope="session")
def manifest() -> dict:
    with open(os.path.join(FIXTURES, "manifest.json"), "r", encoding="utf-8") as handle:
        return json.load(handle)


def fixture_path(relative: str) -> str:
    return os.path.join(FIXTURES, relative)


def read_tensor(entry: dict) -> torch.Tensor:
    dtype = {"float32": np.float32, "int32": np.int32}[entry["dtype"]]
    data = np.fromfile(fixture_path(entry["file"]), dtype=np.dtype(dtype).newbyteorder("<"))
    return torch.from_numpy(data.reshape(entry["shape"]).astype(dtype))
