"""The CNN baseline of TRAIN_TFBS: DeepBind-like, a motif layer and a small head on one-hot input.

One convolution of ``filters`` motif detectors (``kernel`` bp) on both strands' one-hot input,
max- and mean-pooled over the window, then a hidden layer and one logit. Both strands are scored
the same way for every model of TRAIN_TFBS: the logit of a window is the mean of the logits of the
window and of its reverse complement (NyxBind gave its baselines reverse-complement copies and its
language model none; here every model sees the same windows the same way).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class CnnConfig:
    filters: int = 32
    kernel: int = 15
    hidden: int = 32
    dropout: float = 0.2

    def to_dict(self) -> dict:
        return asdict(self)


def one_hot_codes(codes: torch.Tensor) -> torch.Tensor:
    """``(n, L)`` uint8/int codes (A C G T N = 0..4) → ``(n, 4, L)`` float one-hot, N all zero."""
    eye = torch.cat([torch.eye(4), torch.zeros(1, 4)]).to(codes.device)
    return eye[codes.long()].transpose(1, 2)


def reverse_complement_one_hot(x: torch.Tensor) -> torch.Tensor:
    """A C G T channels reversed along both axes: the reverse complement of ``(n, 4, L)``."""
    return x.flip(1).flip(2)


class TfbsCnn(nn.Module):
    def __init__(self, config: CnnConfig = CnnConfig()) -> None:
        super().__init__()
        self.config = config
        self.motifs = nn.Conv1d(4, config.filters, config.kernel)
        self.head = nn.Sequential(
            nn.Linear(2 * config.filters, config.hidden), nn.ReLU(),
            nn.Dropout(config.dropout), nn.Linear(config.hidden, 1),
        )

    def _strand(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.motifs(x))
        return self.head(torch.cat([h.amax(dim=2), h.mean(dim=2)], dim=1)).squeeze(1)

    def forward_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(n,)`` of ``(n, 4, L)`` one-hot (or any point between; attributions)."""
        return (self._strand(x) + self._strand(reverse_complement_one_hot(x))) / 2

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """Logits ``(n,)`` of ``(n, L)`` codes, averaged over both strands."""
        return self.forward_one_hot(one_hot_codes(codes))
