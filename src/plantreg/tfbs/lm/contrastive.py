"""NyxBind's contrastive step: sequences bound by the same TF are pulled together.

After masked language modelling on a genome (which, on a genome without a learnable language,
teaches the [CLS] position little), the encoder is trained with a supervised contrastive loss
(SupCon, Khosla et al. 2020) on the embeddings ([CLS] + mean of the tokens) of the bound
windows of every TF: the other windows of the same TF, and each window's reverse complement, are
its positives. The TFs' GC-matched unbound windows form one more class, so that bound and unbound
sequence part too (with TF classes alone, the unbound windows fell anywhere and LoRA learned some
TFs poorly). Only the training split of each TF is used, and the validation split stops it. The
result is a base model whose [CLS] already tells TF sites apart, which LoRA adapters then read
for one TF.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset

from plantreg.errors import InputError
from plantreg.tfbs.lm.model import reverse_complement_codes
from plantreg.tfbs.lm.tokenizer import CodeIds
from plantreg.tfbs.nyxcsv import list_tf_folders, read_tf_folder
from plantreg.training.config import TrainConfig
from plantreg.training.loop import fit
from plantreg.training.sampler import make_loader

log = logging.getLogger(__name__)

TEMPERATURE = 0.1


class ClsEmbedding(nn.Module):
    """Codes → unit-length, batch-centred embeddings of both strands, ``(2n, hidden)``."""

    def __init__(self, encoder: nn.Module, ids: CodeIds) -> None:
        super().__init__()
        self.encoder, self.ids = encoder, ids

    def _embed(self, codes: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=self.ids(codes)).last_hidden_state.float()
        # [CLS] alone can sit input-independent after masked LM (no loss ever reads it), which
        # leaves the contrastive loss flat; the mean over the tokens always varies with the
        # input and pulls [CLS] along through attention
        return hidden[:, 0] + hidden[:, 1:].mean(dim=1)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        both = torch.cat([self._embed(codes), self._embed(reverse_complement_codes(codes))])
        # the embeddings of a fresh encoder share one large common part: without removing it
        # every cosine is near 1 and the loss sits on a plateau for many epochs
        return nn.functional.normalize(both - both.mean(dim=0, keepdim=True), dim=1)


def supcon_loss(embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over anchors of −log p(positive) (both strands of a batch of ``n`` windows)."""
    labels = torch.cat([labels, labels]).long()
    sim = embeddings @ embeddings.T / TEMPERATURE
    self_pair = torch.eye(len(sim), dtype=torch.bool, device=sim.device)
    sim = sim.masked_fill(self_pair, -1e9)
    positive = (labels[:, None] == labels[None, :]) & ~self_pair
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    return -((log_prob * positive).sum(1) / positive.sum(1).clamp(min=1)).mean()


def bound_windows(root: str | Path, split: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The windows of ``split`` of every TF folder under ``root``: the bound ones labelled by TF
    index, the unbound (GC-matched negatives of every TF) as one more class."""
    folders = list_tf_folders(root)
    if len(folders) < 2:
        raise InputError("the contrastive step needs bound windows of at least two TFs", root)
    codes, labels, unbound = [], [], []
    for k, folder in enumerate(folders):
        x, y = read_tf_folder(folder)[split]
        codes.append(x[y == 1])
        labels.append(np.full(int((y == 1).sum()), k))
        unbound.append(x[y == 0])
    codes.append(np.concatenate(unbound))
    labels.append(np.full(len(codes[-1]), len(folders)))
    return np.concatenate(codes), np.concatenate(labels), [f.name for f in folders]


def contrastive_step(masked_lm: nn.Module, ids: CodeIds, root: str | Path, config: TrainConfig,
                     outdir: str | Path, batch_size: int = 128) -> None:
    """Train ``masked_lm``'s encoder in place on the bound windows under ``root``."""
    train_x, train_y, names = bound_windows(root, "train")
    valid_x, valid_y, _ = bound_windows(root, "valid")
    log.info("contrastive step: %d bound and %d unbound training windows of %d TFs (%s)",
             int((train_y < len(names)).sum()), int((train_y == len(names)).sum()), len(names),
             ", ".join(names))

    def loader(x: np.ndarray, y: np.ndarray, shuffle: bool):
        data = TensorDataset(torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y))
        return make_loader(data, batch_size, shuffle, config.seed)

    fit(ClsEmbedding(masked_lm.base_model, ids), loader(train_x, train_y, True),
        loader(valid_x, valid_y, False), supcon_loss, config, outdir)
