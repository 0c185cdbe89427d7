"""The DNA language model: a BERT encoder from ``transformers``, built small or loaded from a
folder or hub id, wrapped so that the shared training loop can feed it codes.

* :func:`new_masked_lm` builds a randomly initialised ``BertForMaskedLM`` (``plantreg tfbs
  pretrain`` trains it; tests use it as the "tiny model of the same family").
* :func:`load_classifier` reads any local folder or hub id the way a user's downloaded model is
  read: ``AutoTokenizer`` + ``AutoModelForSequenceClassification`` with one logit. Missing files
  are one clear error, never a traceback from ``transformers``.
* :class:`CodeClassifier` and :class:`MaskedLmOnCodes` map codes to token ids (one lookup) and
  return what the loop's loss functions take. Every binding score is the mean of the logits of the
  window and of its reverse complement, as for the CNN and the PWM scan.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from plantreg.errors import InputError
from plantreg.genome.encode import N_CODE
from plantreg.tfbs.lm.tokenizer import CodeIds

log = logging.getLogger(__name__)

MASK_FRACTION = 0.15
_COMPLEMENT = torch.tensor([3, 2, 1, 0, N_CODE])


@dataclass(frozen=True)
class LmConfig:
    hidden: int = 64
    layers: int = 2
    heads: int = 4
    intermediate: int = 128
    max_length: int = 512  # bases; two more positions hold [CLS] and [SEP]

    def to_dict(self) -> dict:
        return asdict(self)


def new_masked_lm(config: LmConfig, tokenizer, seed: int = 0):
    from transformers import BertConfig, BertForMaskedLM

    torch.manual_seed(seed)
    bert = BertConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=config.hidden,
                      num_hidden_layers=config.layers, num_attention_heads=config.heads,
                      intermediate_size=config.intermediate,
                      max_position_embeddings=config.max_length + 2,
                      pad_token_id=tokenizer.pad_token_id)
    return BertForMaskedLM(bert)


def reverse_complement_codes(codes: torch.Tensor) -> torch.Tensor:
    return _COMPLEMENT.to(codes.device)[codes.long().flip(1)]


def _check_folder(path: Path) -> None:
    files = {p.name for p in path.iterdir()}
    wanted = {"config.json": "config.json",
              "weights": {"model.safetensors", "pytorch_model.bin"},
              "tokenizer": {"tokenizer.json", "vocab.txt"}}
    missing = [name for name, need in wanted.items()
               if not (need & files if isinstance(need, set) else need in files)]
    if missing:
        raise InputError(f"base-model folder lacks {', '.join(missing)} (expected what "
                         f"save_pretrained writes: config.json, model.safetensors, "
                         f"tokenizer.json)", path)


def load_tokenizer(source: str | Path):
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(source), local_files_only=Path(source).exists())
    except (OSError, ValueError) as err:
        raise InputError(f"cannot load a tokenizer ({str(err).splitlines()[0]})", source) from err


def load_classifier(source: str | Path):
    """``(tokenizer, AutoModelForSequenceClassification with one logit)`` of a folder or hub id."""
    from transformers import AutoModelForSequenceClassification

    path = Path(source)
    if path.exists():
        _check_folder(path)
    tokenizer = load_tokenizer(source)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(source), num_labels=1, local_files_only=path.exists())
    except (OSError, ValueError) as err:
        raise InputError(f"cannot load the base model ({str(err).splitlines()[0]})",
                         source) from err
    return tokenizer, model


class CodeClassifier(nn.Module):
    """``(n, L)`` codes → ``(n,)`` logits of a sequence-classification model, both strands."""

    def __init__(self, model: nn.Module, ids: CodeIds) -> None:
        super().__init__()
        self.model, self.ids = model, ids

    def _logit(self, codes: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=self.ids(codes)).logits[:, 0]

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        return (self._logit(codes) + self._logit(reverse_complement_codes(codes))) / 2

    def _logit_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        # token embeddings as one-hot @ base embeddings (an all-zero column is N), so that
        # gradients reach the sequence; [CLS] and [SEP] as the tokenizer adds them
        table = self.model.get_input_embeddings().weight
        lut = self.ids.lut.to(table.device)
        tokens = torch.einsum("nbl,bh->nlh", x, table[lut[:4]])
        tokens = tokens + (1 - x.sum(dim=1)).unsqueeze(2) * table[lut[4]]
        n = x.shape[0]
        ends = [table[t].expand(n, 1, -1) for t in (self.ids.cls, self.ids.sep)]
        embeds = torch.cat([ends[0], tokens, ends[1]], dim=1)
        return self.model(inputs_embeds=embeds).logits[:, 0]

    def forward_one_hot(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(n,)`` of ``(n, 4, L)`` one-hot (or any point between; attributions)."""
        return (self._logit_one_hot(x) + self._logit_one_hot(x.flip(1).flip(2))) / 2


class MaskedLmOnCodes(nn.Module):
    """Masked language modelling on codes: masks 15 % of the bases (80 % [MASK], 10 % a random
    base, 10 % kept) and returns ``(logits, labels)``. Training masks draw from torch's generator,
    which the shared loop seeds per epoch; validation uses one fixed mask so epochs compare."""

    def __init__(self, model: nn.Module, ids: CodeIds, seed: int = 0) -> None:
        super().__init__()
        self.model, self.ids, self.seed = model, ids, seed

    def _mask(self, ids: torch.Tensor, generator: torch.Generator | None):
        body = torch.zeros_like(ids, dtype=torch.bool)
        body[:, 1:-1] = True
        draw = torch.rand(ids.shape, generator=generator, device="cpu").to(ids.device)
        chosen = body & (draw < MASK_FRACTION)
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        kind = draw / MASK_FRACTION  # uniform in [0, 1) on chosen positions
        masked = ids.clone()
        masked[chosen & (kind < 0.8)] = self.ids.mask
        swap = chosen & (kind >= 0.8) & (kind < 0.9)
        pick = torch.randint(0, 4, ids.shape, generator=generator, device="cpu").to(ids.device)
        masked[swap] = self.ids.base_ids.to(ids.device)[pick[swap]]
        return masked, labels

    def forward(self, codes: torch.Tensor):
        generator = None if self.training else torch.Generator().manual_seed(self.seed)
        masked, labels = self._mask(self.ids(codes), generator)
        return self.model(input_ids=masked).logits, labels


def masked_lm_loss(outputs, _targets) -> torch.Tensor:
    logits, labels = outputs
    return nn.functional.cross_entropy(logits.flatten(0, 1).float(), labels.flatten(),
                                       ignore_index=-100)
