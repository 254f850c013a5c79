"""Acoustic tokenizers that give the pre-training targets (spec §7): the frozen random-projection
tokenizer of iteration 1 and the VQ-KD tokenizer (encoder → quantize_layer → unit vectors →
nearest of 1024 unit codes, codebook by cosine k-means then EMA)."""

from __future__ import annotations

import contextlib
import math
from typing import Any, Dict, Iterator, Optional, Tuple

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from .checkpoint import atomic_torch_save, load_encoder_state, normalize_encoder_keys
from .config import BeatsConfig, config_from_dict
from .features import PATCH, patch_padding_mask
from .model import BeatsEncoder, TransformerLayer, run_layers, tie_relative_tables
from .protocol import TrainerError
from .safe_pickle import safe_torch_load

TOKENIZER_FORMAT = "openbeats-tokenizer/1"


@contextlib.contextmanager
def full_precision(device: torch.device) -> Iterator[None]:
    """Code lookups are argmins: keep them out of bf16/fp16 autocast."""
    if device.type == "cuda":
        with torch.autocast(device_type="cuda", enabled=False):
            yield
    else:
        yield


def l2norm(x: torch.Tensor) -> torch.Tensor:
    return F.normalize(x, p=2.0, dim=-1, eps=1e-12)


def nearest_code(vectors: torch.Tensor, codebook: torch.Tensor) -> torch.Tensor:
    """Index of the nearest codeword (squared L2) for each row of `vectors` [M, d]."""
    distance = vectors.pow(2).sum(-1, keepdim=True) - 2.0 * vectors @ codebook.t() + codebook.pow(2).sum(-1).unsqueeze(0)
    return distance.argmin(dim=-1)


class RandomTokenizer(nn.Module):
    """Frozen, seeded: 16×16 patch conv (xavier-normal) → LayerNorm (no affine) → Linear(C_p → 256,
    no bias, xavier-normal) → LayerNorm (no affine) → nearest row of a N(0, 1) codebook [V, 256].
    Weights come from a CPU generator seeded with `seed`, so they are identical everywhere."""

    kind = "random"

    def __init__(self, embed_dim: int = 512, code_dim: int = 256, vocab: int = 1024, seed: int = 0) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        conv_std = math.sqrt(2.0 / (PATCH * PATCH + embed_dim * PATCH * PATCH))
        proj_std = math.sqrt(2.0 / (embed_dim + code_dim))
        self.register_buffer("patch_weight", torch.randn(embed_dim, 1, PATCH, PATCH, generator=gen) * conv_std)
        self.register_buffer("proj_weight", torch.randn(code_dim, embed_dim, generator=gen) * proj_std)
        self.register_buffer("codebook", torch.randn(vocab, code_dim, generator=gen))
        self.seed, self.embed_dim, self.code_dim, self.vocab = seed, embed_dim, code_dim, vocab

    def forward(self, fbank: torch.Tensor, frame_lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Token ids [B, N]; padding patches get −1."""
        with torch.no_grad(), full_precision(fbank.device):
            x = F.conv2d(fbank.float().unsqueeze(1), self.patch_weight, stride=PATCH).flatten(2).transpose(1, 2)
            x = F.layer_norm(x, (self.embed_dim,))
            x = F.layer_norm(x @ self.proj_weight.t(), (self.code_dim,))
            tokens = nearest_code(x.reshape(-1, self.code_dim), self.codebook).view(x.shape[0], x.shape[1])
        padding = patch_padding_mask(frame_lengths, fbank.shape[1], fbank.shape[0], fbank.device)
        return tokens.masked_fill(padding, -1) if padding is not None else tokens

    def checkpoint(self) -> Dict[str, Any]:
        return {"cfg": {"format": TOKENIZER_FORMAT, "tokenizer": "random", "seed": self.seed, "embed_dim": self.embed_dim,
                        "quant_dim": self.code_dim, "quant_n": self.vocab},
                "model": {"patch_embedding.weight": self.patch_weight.clone(), "proj.weight": self.proj_weight.clone(),
                          "quantize.embedding.weight": self.codebook.clone()}}


def cosine_kmeans(samples: torch.Tensor, clusters: int, iterations: int = 10, generator: Optional[torch.Generator] = None,
                  init: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Spherical k-means on unit vectors [M, d]. Initial centres: `init`, else `clusters` distinct
    random samples (drawn with replacement when M < clusters). Each iteration assigns every sample
    to the centre of highest cosine and replaces each centre by the normalised mean of its samples;
    a centre with no samples keeps its value. Returns (centres [clusters, d], counts [clusters])."""
    count = samples.shape[0]
    if init is not None:
        means = init.clone()
    elif count >= clusters:
        means = samples[torch.randperm(count, generator=generator)[:clusters].to(samples.device)].clone()
    else:
        means = samples[torch.randint(0, count, (clusters,), generator=generator).to(samples.device)].clone()
    counts = torch.zeros(clusters, device=samples.device)
    for _ in range(iterations):
        assign = (samples @ means.t()).argmax(dim=-1)
        counts = torch.bincount(assign, minlength=clusters).to(samples.dtype)
        sums = torch.zeros_like(means).index_add_(0, assign, samples)
        updated = l2norm(sums / counts.clamp(min=1.0).unsqueeze(-1))
        means = torch.where((counts > 0).unsqueeze(-1), updated, means)
    return means, counts


class NormEMAQuantizer(nn.Module):
    """Unit-norm codebook updated by EMA, never by gradients."""

    def __init__(self, vocab: int = 1024, dim: int = 256, decay: float = 0.99, kmeans_iters: int = 10) -> None:
        super().__init__()
        self.vocab, self.dim, self.decay, self.kmeans_iters = vocab, dim, decay, kmeans_iters
        self.register_buffer("codebook", l2norm(torch.randn(vocab, dim)))
        self.register_buffer("cluster_size", torch.zeros(vocab))
        self.register_buffer("initted", torch.zeros(()))

    def _all_reduce(self, tensor: torch.Tensor) -> torch.Tensor:
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(tensor)
        return tensor

    def initialise(self, samples: torch.Tensor, generator: Optional[torch.Generator] = None) -> None:
        """k-means on the first batch (rank 0's under DDP, then broadcast)."""
        means, counts = cosine_kmeans(samples.detach().float(), self.vocab, self.kmeans_iters, generator)
        if dist.is_available() and dist.is_initialized():
            dist.broadcast(means, 0)
            dist.broadcast(counts, 0)
        self.codebook.copy_(means)
        self.cluster_size.copy_(counts)
        self.initted.fill_(1.0)

    def ema_update(self, samples: torch.Tensor, codes: torch.Tensor) -> None:
        """codeₖ ← normalise(decay·codeₖ + (1 − decay)·normalise(mean of its samples)) for used
        codes; usage counts ← decay·counts + (1 − decay)·batch counts for all codes."""
        samples = samples.detach().float()
        counts = self._all_reduce(torch.bincount(codes, minlength=self.vocab).float())
        sums = self._all_reduce(torch.zeros(self.vocab, self.dim, device=samples.device).index_add_(0, codes, samples))
        self.cluster_size.mul_(self.decay).add_(counts, alpha=1.0 - self.decay)
        used = counts > 0
        means = l2norm(sums / counts.clamp(min=1.0).unsqueeze(-1))
        moved = l2norm(self.decay * self.codebook + (1.0 - self.decay) * means)
        self.codebook.copy_(torch.where(used.unsqueeze(-1), moved, self.codebook))

    def forward(self, z: torch.Tensor, valid: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """z [B, N, dim] unit vectors → (codes q [B, N, dim], ids [B, N]); trains the codebook in
        training mode (k-means on first use, EMA afterwards)."""
        flat = z.detach().float().reshape(-1, self.dim)
        flat_valid = valid.reshape(-1)
        if self.training and float(self.initted) == 0.0:
            self.initialise(flat[flat_valid])
        ids = nearest_code(flat, self.codebook)
        q = self.codebook[ids].view(z.shape)  # the codes this step was assigned, before the EMA moves them
        if self.training:
            self.ema_update(flat[flat_valid], ids[flat_valid])
        return q, ids.view(z.shape[:-1])


class TokenizerPredictor(nn.Module):
    """Reconstructs the teacher's features from quantised vectors: Linear(256 → decoder dim), §4.5
    layers, LayerNorm, and a Linear to the teacher's width when the two differ."""

    def __init__(self, cfg: BeatsConfig, code_dim: int, teacher_dim: int) -> None:
        super().__init__()
        width = cfg.decoder_embed_dim
        self.input_proj = nn.Linear(code_dim, width)
        self.layers = nn.ModuleList(
            TransformerLayer(cfg, width, cfg.encoder_ffn_embed_dim, cfg.encoder_attention_heads, cfg.decoder_layers)
            for _ in range(cfg.decoder_layers))
        tie_relative_tables(self.layers)
        self.layer_norm = nn.LayerNorm(width, eps=1e-5)
        self.output_proj = nn.Linear(width, teacher_dim) if width != teacher_dim else None

    def forward(self, codes: torch.Tensor, padding: Optional[torch.Tensor]) -> torch.Tensor:
        x = run_layers(self.layers, self.input_proj(codes), padding, 0.0, False)
        x = self.layer_norm(x)
        return self.output_proj(x) if self.output_proj is not None else x


class VQTokenizer(nn.Module):
    kind = "vq"

    def __init__(self, cfg: BeatsConfig, code_dim: int = 256, vocab: int = 1024, decay: float = 0.99) -> None:
        super().__init__()
        dim = cfg.encoder_embed_dim
        self.encoder = BeatsEncoder(cfg)
        self.quantize_layer = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, code_dim))
        self.quantize = NormEMAQuantizer(vocab, code_dim, decay)
        self.code_dim, self.vocab = code_dim, vocab

    def embed(self, fbank: torch.Tensor, frame_lengths: Optional[torch.Tensor]) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Unit vectors z [B, N, 256] and the patch padding mask."""
        out = self.encoder(fbank, frame_lengths)
        return l2norm(self.quantize_layer(out.last_hidden).float()), out.padding_mask

    def forward(self, fbank: torch.Tensor, frame_lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Token ids [B, N] (padding −1), no codebook update."""
        with torch.no_grad():
            z, padding = self.embed(fbank, frame_lengths)
            with full_precision(fbank.device):
                ids = nearest_code(z.reshape(-1, self.code_dim), self.quantize.codebook).view(z.shape[:-1])
        return ids.masked_fill(padding, -1) if padding is not None else ids

    def checkpoint(self, fbank_mean: float, fbank_std: float) -> Dict[str, Any]:
        """Microsoft tokenizer layout: encoder keys at top level + quantize_layer.* + quantize.*."""
        model: Dict[str, torch.Tensor] = {}
        for key, value in self.encoder.state_dict().items():
            model[key] = value.detach().cpu().float().clone()
        for key, value in self.quantize_layer.state_dict().items():
            model[f"quantize_layer.{key}"] = value.detach().cpu().float().clone()
        model["quantize.embedding.weight"] = self.quantize.codebook.detach().cpu().clone()
        model["quantize.cluster_size"] = self.quantize.cluster_size.detach().cpu().clone()
        model["quantize.embedding.initted"] = self.quantize.initted.detach().cpu().reshape(1).clone()
        cfg = self.encoder.cfg.replace(fbank_mean=fbank_mean, fbank_std=fbank_std).to_dict()
        cfg.update({"format": TOKENIZER_FORMAT, "tokenizer": "vq", "quant_n": self.vocab, "quant_dim": self.code_dim})
        return {"cfg": cfg, "model": model}


def save_tokenizer(tokenizer: nn.Module, path: str, fbank_mean: float, fbank_std: float) -> None:
    obj = tokenizer.checkpoint() if isinstance(tokenizer, RandomTokenizer) else tokenizer.checkpoint(fbank_mean, fbank_std)
    atomic_torch_save(obj, path)


def load_tokenizer(path: str) -> nn.Module:
    """Our random/VQ tokenizer files, or a Microsoft `Tokenizer_iter*.pt`."""
    obj = safe_torch_load(path)
    if not isinstance(obj, dict) or not isinstance(obj.get("model"), dict):
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: not a tokenizer checkpoint ({{cfg, model}} expected)")
    cfg, model = dict(obj.get("cfg") or {}), obj["model"]
    if cfg.get("tokenizer") == "random":
        tok = RandomTokenizer(int(cfg["embed_dim"]), int(cfg["quant_dim"]), int(cfg["quant_n"]), int(cfg["seed"]))
        tok.patch_weight.copy_(model["patch_embedding.weight"])
        tok.proj_weight.copy_(model["proj.weight"])
        tok.codebook.copy_(model["quantize.embedding.weight"])
        return tok.eval()
    if "quantize.embedding.weight" not in model or "quantize_layer.0.weight" not in model:
        raise TrainerError("CHECKPOINT_INVALID", f"{path}: no quantizer weights (quantize.embedding.weight)")
    codebook = model["quantize.embedding.weight"]
    state, _ = normalize_encoder_keys(model)
    from .checkpoint import infer_architecture

    config = config_from_dict(cfg)
    sources = {k: "cfg" for k in cfg}
    config, _ = infer_architecture(state, config, sources)
    tok = VQTokenizer(config, codebook.shape[1], codebook.shape[0])
    load_encoder_state(tok.encoder, state, path)
    tok.quantize_layer.load_state_dict({k[len("quantize_layer."):]: v for k, v in model.items()
                                        if k.startswith("quantize_layer.")})
    tok.quantize.codebook.copy_(l2norm(codebook.float()))
    size = model.get("quantize.cluster_size", model.get("quantize.embedding.cluster_size"))
    if size is not None:
        tok.quantize.cluster_size.copy_(size.float())
    tok.quantize.initted.fill_(1.0)
    return tok.eval()
