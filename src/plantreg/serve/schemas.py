"""Requests of the JSON API, validated by pydantic: a bad sequence is a 422 with a readable line."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

MAX_SEQUENCE = 100_000  # letters a request may carry before any model-specific check
_BAD = re.compile(r"[^ACGTN]")


def clean_sequence(text: str) -> str:
    """Upper-case letters of a pasted sequence: a FASTA header line and whitespace are dropped;
    any letter other than A, C, G, T, N is refused with its position."""
    lines = [line for line in text.splitlines() if not line.startswith(">")]
    seq = re.sub(r"\s+", "", "".join(lines)).upper()
    if not seq:
        raise ValueError("the sequence is empty")
    bad = _BAD.search(seq)
    if bad:
        raise ValueError(f"letter {bad.group()!r} at position {bad.start() + 1}: "
                         "only A, C, G, T and N are allowed")
    return seq


class SequenceRequest(BaseModel):
    """A pasted sequence or a gene of the expression dataset (exactly one of the two)."""

    sequence: str | None = Field(None, max_length=MAX_SEQUENCE,
                                 description="5′→3′; a FASTA header line and spaces are ignored.")
    gene: str | None = Field(None, max_length=200, description="A gene ID of the dataset.")
    pad: Literal["none", "5p", "3p"] = Field(
        "none", description="A shorter sequence is padded with N at this end to the window.")

    @field_validator("sequence")
    @classmethod
    def _letters(cls, value: str | None) -> str | None:
        return None if value is None else clean_sequence(value)

    @model_validator(mode="after")
    def _one_of(self) -> SequenceRequest:
        if (self.sequence is None) == (self.gene is None):
            raise ValueError("give either a sequence or a gene, not both and not neither")
        return self


class PredictRequest(SequenceRequest):
    model: Literal["expression", "chromatin"] = "expression"


class CreRequest(SequenceRequest):
    method: Literal["ism", "occlusion", "gxi"] = "ism"
    quantile: float = Field(0.98, gt=0.0, lt=1.0)
    max_gap: int = Field(10, ge=0, le=1000)
    min_length: int = Field(6, ge=1, le=1000)
