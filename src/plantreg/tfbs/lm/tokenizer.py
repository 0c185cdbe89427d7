"""A nucleotide tokenizer in Hugging Face's format, and the same mapping vectorised for training.

The tokenizer (``tokenizers`` WordLevel, one token per base, ``[CLS] … [SEP]``) is what
``save_pretrained`` writes beside the model, so that ``AutoTokenizer.from_pretrained`` reads a
plantreg model as it reads any hub model. Training does not tokenize strings: codes (A C G T N =
0..4) map to token ids through one lookup table, :func:`code_ids`, which a test holds equal to the
tokenizer's own output. A k-mer tokenizer can be added the same way; it is not here yet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from plantreg.errors import InputError

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BASES = ["A", "C", "G", "T", "N"]


def build_tokenizer():
    """A ``PreTrainedTokenizerFast`` with one token per base (lower case read as upper case)."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(SPECIALS + BASES)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    # soft-masked (lower-case) bases are the same bases
    core.normalizer = normalizers.Sequence([normalizers.Replace(b.lower(), b) for b in BASES])
    core.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    core.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]),
                                                 ("[SEP]", vocab["[SEP]"])])
    return PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


class CodeIds:
    """Codes → token ids of a given tokenizer, with [CLS] and [SEP] around each row."""

    def __init__(self, tokenizer, source: str | Path | None = None) -> None:
        vocab = tokenizer.get_vocab()
        missing = [t for t in SPECIALS[:5] + BASES[:4] if t not in vocab]
        if missing:
            raise InputError(f"the tokenizer lacks the tokens {missing}: not a nucleotide "
                             f"tokenizer plantreg can feed", source)
        self.lut = torch.tensor([vocab[b] for b in BASES[:4]] + [vocab.get("N", vocab["[UNK]"])])
        self.cls, self.sep = vocab["[CLS]"], vocab["[SEP]"]
        self.mask, self.pad = vocab["[MASK]"], vocab["[PAD]"]
        self.base_ids = self.lut[:4]
        self.vocab_size = len(vocab)

    def __call__(self, codes: torch.Tensor) -> torch.Tensor:
        n = codes.shape[0]
        ends = [torch.full((n, 1), self.cls), torch.full((n, 1), self.sep)]
        body = self.lut.to(codes.device)[codes.long()]
        return torch.cat([ends[0].to(codes.device), body, ends[1].to(codes.device)], dim=1)


def codes_to_strings(codes: np.ndarray) -> list[str]:
    from plantreg.genome.encode import decode

    return [decode(row) for row in codes]
