"""Per-base attributions of any TRAIN_TFBS model, as TF-MoDISco's hypothetical contributions.

Two methods, the same for the CNN and the language model, so their motifs compare:

* ``ig`` (default): integrated gradients (``captum``) from a uniform 0.25 background to the
  one-hot sequence, through each model's ``forward_one_hot`` (the language model embeds one-hot
  as a mix of its base embeddings). The path-averaged gradient, mean-centred over the four bases,
  is the hypothetical contribution of every base at every position. About 3 × ``steps`` model
  passes per window.
* ``ism``: in-silico saturation mutagenesis (``tangermeme``): the mean-centred change of the
  logit for each of the three substitutions at each position; needs nothing but the model's
  output (600 passes per 101 bp window, both strands: exact, but ten times slower).
* ``attention`` (language models only): NyxBind's method, the attention of the [CLS] token to
  each base in the last layer, averaged over heads and both strands, given to every base of a
  position alike (so only the observed base carries it into TF-MoDISco).
"""

from __future__ import annotations

import logging

import numpy as np
import torch
from torch import nn

from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE
from plantreg.genome.encode import one_hot as genome_one_hot

log = logging.getLogger(__name__)


class OneHotInput(nn.Module):
    """``(n, 4, L)`` one-hot → the wrapped model's ``(n, 1)`` logit (all-zero columns are N)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        codes = torch.where(x.sum(dim=1) > 0, x.argmax(dim=1), N_CODE)
        return self.model(codes)[:, None]


def one_hot(codes: np.ndarray) -> np.ndarray:
    """``(n, L)`` codes → ``(n, 4, L)`` float32 one-hot (N is all zero), channels first."""
    return np.ascontiguousarray(genome_one_hot(codes).transpose(0, 2, 1))


class OneHotForward(nn.Module):
    """A model's ``forward_one_hot`` as its ``forward``, with an output axis (captum's form)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.forward_one_hot(x)[:, None]


def ig_attributions(model: nn.Module, codes: np.ndarray, steps: int = 20, batch_size: int = 64,
                    device: str = "cpu") -> np.ndarray:
    """Hypothetical contributions ``(n, 4, L)``: path-averaged gradients, centred over bases."""
    from captum.attr import IntegratedGradients

    wrapped = OneHotForward(model.eval()).to(device)
    explainer = IntegratedGradients(wrapped)
    parts = []
    for i in range(0, len(codes), batch_size):
        x = torch.from_numpy(one_hot(codes[i:i + batch_size])).to(device)
        baseline = torch.full_like(x, 0.25)
        attr = explainer.attribute(x, baselines=baseline, target=0, n_steps=steps,
                                   internal_batch_size=batch_size * 4)
        grads = (attr / (x - baseline)).detach()  # x - 0.25 is never 0 on one-hot
        parts.append((grads - grads.mean(dim=1, keepdim=True)).cpu().numpy())
    return np.concatenate(parts) if parts else np.zeros((0, 4, codes.shape[1]), np.float32)


@torch.no_grad()
def attention_scores(model: nn.Module, codes: np.ndarray, batch_size: int = 128) -> np.ndarray:
    """``(n, 4, L)``: [CLS] → base attention of the last layer, mean of heads and strands."""
    from plantreg.tfbs.lm.model import reverse_complement_codes

    hf = getattr(model, "model", None)
    if hf is None or not hasattr(hf, "set_attn_implementation"):
        raise InputError("attention attributions need a language model (use ig or ism for a CNN)")
    hf.set_attn_implementation("eager")  # the fused kernels return no attention weights
    parts = []
    for i in range(0, len(codes), batch_size):
        x = torch.from_numpy(codes[i:i + batch_size].astype(np.int64))
        strands = []
        for seq, flip in ((x, False), (reverse_complement_codes(x), True)):
            att = hf(input_ids=model.ids(seq), output_attentions=True).attentions[-1]
            cls = att[:, :, 0, 1:-1].mean(dim=1)  # (n, L): [CLS] row, bases only
            strands.append(cls.flip(1) if flip else cls)
        parts.append(((strands[0] + strands[1]) / 2).numpy())
    score = np.concatenate(parts)
    score -= score.mean(axis=1, keepdims=True)  # above or below uniform attention
    return np.repeat(score[:, None, :], 4, axis=1).astype(np.float32)


def attributions(model: nn.Module, codes: np.ndarray, method: str = "ig",
                 device: str = "cpu") -> np.ndarray:
    if method == "ism":
        return ism_attributions(model, codes, device=device)
    if method == "attention":
        return attention_scores(model, codes)
    return ig_attributions(model, codes, device=device)


def ism_attributions(model: nn.Module, codes: np.ndarray, batch_size: int = 256,
                     device: str = "cpu", fast: bool = False) -> np.ndarray:
    """Hypothetical contributions ``(n, 4, L)`` of ``codes`` (mean-centred over the bases)."""
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    wrapped = OneHotInput(model.eval()).to(device)
    x = torch.from_numpy(one_hot(codes))
    with torch.no_grad():
        attr = saturation_mutagenesis(wrapped, x, batch_size=batch_size, hypothetical=True,
                                      device=device, fast=fast, verbose=False)
    return attr.float().cpu().numpy()
