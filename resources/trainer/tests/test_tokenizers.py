"""Random-projection tokenizer, cosine k-means initialisation and EMA codebook updates."""

from __future__ import annotations

import math

import torch

from openbeats_trainer.config import config_from_architecture
from openbeats_trainer.tokenizers import (NormEMAQuantizer, RandomTokenizer, VQTokenizer, cosine_kmeans, l2norm,
                                          load_tokenizer, save_tokenizer)


def test_random_tokenizer_is_a_function_of_its_seed(tmp_path):
    fbank = torch.randn(2, 100, 128, generator=torch.Generator().manual_seed(0))
    a, b, c = RandomTokenizer(32, 16, 64, seed=11), RandomTokenizer(32, 16, 64, seed=11), RandomTokenizer(32, 16, 64, seed=12)
    torch.manual_seed(999)  # the global RNG plays no part
    ta, tb, tc = a(fbank), b(fbank), c(fbank)
    assert ta.shape == (2, 48) and torch.equal(ta, tb) and not torch.equal(ta, tc)
    assert int(ta.min()) >= 0 and int(ta.max()) < 64
    lengths = torch.tensor([100, 40])
    padded = a(fbank, lengths)
    assert bool((padded[1, 16:] == -1).all()) and torch.equal(padded[1, :16], ta[1, :16])
    save_tokenizer(a, str(tmp_path / "tok.pt"), 15.0, 6.0)
    assert torch.equal(load_tokenizer(str(tmp_path / "tok.pt"))(fbank), ta)


def test_random_tokenizer_codes_are_nearest_codebook_rows():
    tok = RandomTokenizer(32, 16, 64, seed=3)
    fbank = torch.randn(1, 32, 128)
    x = torch.nn.functional.conv2d(fbank.unsqueeze(1), tok.patch_weight, stride=16).flatten(2).transpose(1, 2)
    x = torch.nn.functional.layer_norm(x, (32,))
    x = torch.nn.functional.layer_norm(x @ tok.proj_weight.t(), (16,))
    brute = torch.cdist(x[0], tok.codebook).argmin(-1)
    assert torch.equal(tok(fbank)[0], brute)


def test_cosine_kmeans_hand_case_keeps_empty_cluster():
    samples = l2norm(torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.6, 0.8]]))
    init = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    means, counts = cosine_kmeans(samples, 3, iterations=10, init=init)
    s = 1 / math.sqrt(1.8 ** 2 + 0.6 ** 2)
    expected = torch.tensor([[1.8 * s, 0.6 * s], [0.6 * s, 1.8 * s], [-1.0, 0.0]])
    assert torch.allclose(means, expected, atol=1e-6)
    assert counts.tolist() == [2.0, 2.0, 0.0]


def test_ema_update_hand_case_moves_used_codes_only():
    q = NormEMAQuantizer(vocab=3, dim=2, decay=0.9)
    q.codebook.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]))
    q.cluster_size.fill_(1.0)
    samples = torch.tensor([[0.6, 0.8], [0.8, 0.6]])
    q.ema_update(samples, torch.tensor([1, 0]))
    c0 = torch.tensor([0.98, 0.06]) / math.hypot(0.98, 0.06)
    c1 = torch.tensor([0.06, 0.98]) / math.hypot(0.06, 0.98)
    assert torch.allclose(q.codebook, torch.stack([c0, c1, torch.tensor([-1.0, 0.0])]), atol=1e-6)
    assert torch.allclose(q.cluster_size, torch.tensor([1.0, 1.0, 0.9]))


def test_quantizer_initialises_by_kmeans_on_first_batch_then_updates_by_ema():
    torch.manual_seed(0)
    q = NormEMAQuantizer(vocab=4, dim=8, decay=0.99, kmeans_iters=10).train()
    z = l2norm(torch.randn(1, 40, 8))
    valid = torch.ones(1, 40, dtype=torch.bool)
    q(z, valid)
    assert float(q.initted) == 1.0
    assert torch.allclose(q.codebook.norm(dim=-1), torch.ones(4), atol=1e-6)
    before = q.codebook.clone()
    codes, ids = q(z, valid)
    assert torch.equal(codes[0], before[ids[0]])  # the step uses the codes it was assigned to
    assert torch.equal(ids[0], torch.cdist(z[0], before).argmin(-1))
    assert not torch.equal(before, q.codebook)
    q.eval()
    frozen = q.codebook.clone()
    q(z, valid)
    assert torch.equal(frozen, q.codebook)


def test_vq_tokenizer_round_trips_through_the_microsoft_layout(tmp_path):
    torch.manual_seed(0)
    tok = VQTokenizer(config_from_architecture({"preset": "tiny"}), code_dim=16, vocab=32).eval()
    tok.quantize.initted.fill_(1.0)
    fbank = torch.randn(1, 64, 128)
    save_tokenizer(tok, str(tmp_path / "vq.pt"), 15.41663, 6.55582)
    again = load_tokenizer(str(tmp_path / "vq.pt"))
    assert torch.equal(again(fbank), tok(fbank))
