"""Architecture facts of spec §2/§9 and the two attention paths."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from openbeats_trainer.config import config_from_architecture
from openbeats_trainer.model import BeatsEncoder, plain_attention


def test_base_encoder_has_the_reference_parameter_count_and_keys():
    encoder = BeatsEncoder(config_from_architecture({"preset": "base"}))
    assert sum(p.numel() for p in encoder.parameters()) == 90_311_792
    state = encoder.state_dict()
    assert len(state) == 250
    assert tuple(state["encoder.pos_conv.0.weight_v"].shape) == (768, 48, 128)
    assert tuple(state["encoder.pos_conv.0.weight_g"].shape) == (1, 1, 128)
    assert tuple(state["encoder.layers.11.self_attn.grep_a"].shape) == (1, 12, 1, 1)
    assert tuple(state["encoder.layers.3.self_attn.relative_attention_bias.weight"].shape) == (320, 12)
    assert tuple(state["post_extract_proj.weight"].shape) == (768, 512)
    tables = {state[f"encoder.layers.{i}.self_attn.relative_attention_bias.weight"].data_ptr() for i in range(12)}
    assert len(tables) == 1  # one tied table


@pytest.mark.skipif(not hasattr(F, "scaled_dot_product_attention"), reason="torch < 2.0 has no SDPA")
def test_fused_attention_matches_the_explicit_path():
    torch.manual_seed(0)
    encoder = BeatsEncoder(config_from_architecture({"preset": "tiny"})).eval()
    fbank = torch.randn(2, 100, 128)
    lengths = torch.tensor([100, 70])
    with torch.no_grad():
        fused = encoder(fbank, lengths).last_hidden
        with plain_attention():
            plain = encoder(fbank, lengths).last_hidden
    assert float((fused - plain)[:, :32].abs().max()) < 1e-5
