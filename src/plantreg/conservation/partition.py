"""LECIF-style mirror halves: which chromosomes of A and B feed training, validation, test and
prediction in each half.

Semantics (as LECIF): classifiers of half H are trained on pairs whose A chromosome is in
``training_a`` and whose B chromosome is in ``training_b`` (early-stopped on ``validation_*``), and
then score the *other* half: its ``test`` pairs (evaluation) and its ``prediction`` A chromosomes
(the genome-wide score). Hence the checks: within a half, training and validation share no
chromosome; a half's training/validation share none with the other half's test and prediction
sets. This applies to both species. Held-out chromosomes (for model comparison) are never trained
or validated on; their pairs are left out of the test sets but still predicted.

The file layout is LECIF's ``splitData_args.txt``: a flag line (``--odd-training-human-chrom``)
then a line of whitespace-separated chromosome names; "human" is species A, "mouse" species B.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

HALVES = ("odd", "even")
SETS = ("training", "validation", "test", "prediction")
_SPECIES = {"human": "a", "mouse": "b"}


@dataclass
class Half:
    training_a: list[str] = field(default_factory=list)
    validation_a: list[str] = field(default_factory=list)
    test_a: list[str] = field(default_factory=list)
    prediction_a: list[str] = field(default_factory=list)
    training_b: list[str] = field(default_factory=list)
    validation_b: list[str] = field(default_factory=list)
    test_b: list[str] = field(default_factory=list)


@dataclass
class Partition:
    odd: Half
    even: Half
    held_out_a: list[str] = field(default_factory=list)
    held_out_b: list[str] = field(default_factory=list)
    method: str = "file"

    def half(self, name: str) -> Half:
        return self.odd if name == "odd" else self.even

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Partition:
        return cls(
            odd=Half(**data["odd"]),
            even=Half(**data["even"]),
            held_out_a=list(data.get("held_out_a", [])),
            held_out_b=list(data.get("held_out_b", [])),
            method=data.get("method", "file"),
        )


def other(half: str) -> str:
    return "even" if half == "odd" else "odd"


def _flag(half: str | None, kind: str, species: str) -> str:
    name = "human" if species == "a" else "mouse"
    return f"--held-out-{name}-chrom" if half is None else f"--{half}-{kind}-{name}-chrom"


def read_split_args(path: str | Path) -> Partition:
    """Parse a LECIF ``splitData_args.txt``; a repeated flag keeps its last value (argparse)."""
    path = Path(path)
    try:
        tokens = path.read_text().split()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the split file ({err})", path) from err
    known: dict[str, tuple[str | None, str, str]] = {}
    for half in HALVES:
        for kind in SETS:
            for species in ("a", "b"):
                if not (kind == "prediction" and species == "b"):
                    known[_flag(half, kind, species)] = (half, kind, species)
    for species in ("a", "b"):
        known[_flag(None, "held_out", species)] = (None, "held_out", species)
    values: dict[str, list[str]] = {}
    flag: str | None = None
    for token in tokens:
        if token.startswith("--"):
            if token not in known:
                raise InputError(f"unknown flag {token!r}", path)
            if token in values:
                log.warning("%s: %s given twice; the last one is used", path, token)
            flag, values[token] = token, []
        elif flag is None:
            raise InputError(f"chromosome {token!r} before any flag", path)
        else:
            values[flag].append(token)
    halves = {h: Half() for h in HALVES}
    part = Partition(halves["odd"], halves["even"], method=f"file:{path.name}")
    for token, chroms in values.items():
        half, kind, species = known[token]
        if half is None:
            setattr(part, f"held_out_{species}", chroms)
        else:
            setattr(halves[half], f"{kind}_{species}", chroms)
    check_partition(part, path)
    return part


def write_split_args(part: Partition, path: str | Path) -> None:
    with atomic_open(path) as handle:
        for half in HALVES:
            h = part.half(half)
            for species in ("a", "b"):
                for kind in SETS:
                    if kind == "prediction" and species == "b":
                        continue
                    handle.write(f"{_flag(half, kind, species)}\n")
                    handle.write(" ".join(getattr(h, f"{kind}_{species}")) + "\n")
        for species in ("a", "b"):
            chroms = getattr(part, f"held_out_{species}")
            if chroms:
                handle.write(f"{_flag(None, 'held_out', species)}\n{' '.join(chroms)}\n")


def _shared(x: Sequence[str], y: Sequence[str]) -> list[str]:
    return sorted(set(x) & set(y))


def check_partition(part: Partition, path: str | Path | None = None) -> None:
    """Refuse any chromosome that would leak between sets (see module docstring)."""
    problems: list[str] = []
    for half in HALVES:
        h, o = part.half(half), part.half(other(half))
        for sp in ("a", "b"):
            train, valid = getattr(h, f"training_{sp}"), getattr(h, f"validation_{sp}")
            if not train:
                problems.append(f"{half} training ({'AB'[sp == 'b']}) is empty")
            pairs = [("validation", valid), ("test", getattr(o, f"test_{sp}"))]
            if sp == "a":
                pairs.append(("prediction", o.prediction_a))
            for name, chroms in pairs:
                label = f"{other(half)} {name}" if name != "validation" else f"{half} validation"
                shared = _shared(train if name == "validation" else train + valid, chroms)
                if shared:
                    problems.append(
                        f"{', '.join(shared)} shared between {half} training"
                        f"{'' if name == 'validation' else '/validation'} and {label} "
                        f"(species {'AB'[sp == 'b']})"
                    )
            # held-out chromosomes may be listed in test sets (their pairs are left out there)
            held = getattr(part, f"held_out_{sp}")
            if _shared(held, train + valid):
                problems.append(
                    f"held-out {', '.join(_shared(held, train + valid))} also used for {half} "
                    "training/validation"
                )
    if problems:
        raise InputError("invalid split: " + "; ".join(problems), path)


def _b_roles(pairs: pd.DataFrame, role_of_a: Mapping[str, str]) -> dict[str, str]:
    """Each B chromosome takes the role (half/set) of the A chromosomes most of its pairs hit."""
    roles = pairs["chrom_a"].map(role_of_a)
    counts = pd.crosstab(pairs["chrom_b"], roles)
    return {str(b): str(counts.loc[b].idxmax()) for b in counts.index}


def auto_partition(
    pairs: pd.DataFrame,
    sizes_a: Mapping[str, int],
    sizes_b: Mapping[str, int],
    held_out_a: Sequence[str] = (),
    held_out_b: Sequence[str] = (),
    valid_fraction: float = 0.34,
) -> Partition:
    """Mirror halves by the position of A chromosomes in the sizes file (1st, 3rd, … = odd).

    In each half the shortest ``valid_fraction`` of chromosomes (at least one) validate, the rest
    train; B chromosomes go to the half and set of the A chromosomes most of their pairs align to.
    """
    chroms = [c for c in sizes_a if c not in set(held_out_a)]
    groups = {"odd": chroms[0::2], "even": chroms[1::2]}
    role_of_a: dict[str, str] = {}
    halves: dict[str, Half] = {}
    for half, members in groups.items():
        if len(members) < 2:
            raise InputError(
                f"automatic split needs at least 2 A chromosomes per half, the {half} half has "
                f"{len(members)} ({', '.join(members) or 'none'}); give a split file"
            )
        n_valid = max(1, int(round(valid_fraction * len(members))))
        by_size = sorted(members, key=lambda c: sizes_a[c])
        valid = [c for c in members if c in set(by_size[:n_valid])]
        train = [c for c in members if c not in set(valid)]
        role_of_a.update({c: f"{half}:training" for c in train})
        role_of_a.update({c: f"{half}:validation" for c in valid})
        halves[half] = Half(
            training_a=train, validation_a=valid, test_a=list(members), prediction_a=list(members)
        )
    used = pairs[pairs["chrom_a"].isin(list(role_of_a)) & ~pairs["chrom_b"].isin(list(held_out_b))]
    roles = _b_roles(used, role_of_a)
    for b in sizes_b:
        if b not in roles:
            continue
        half, kind = roles[b].split(":")
        getattr(halves[half], f"{kind}_b").append(b)
        halves[half].test_b.append(b)
    part = Partition(halves["odd"], halves["even"], list(held_out_a), list(held_out_b), "auto")
    check_partition(part)
    return part


def write_partition_json(part: Partition, path: str | Path) -> None:
    with atomic_open(path) as handle:
        json.dump(part.to_json(), handle, indent=2)
        handle.write("\n")


def read_partition_json(path: str | Path) -> Partition:
    path = Path(path)
    try:
        part = Partition.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(f"not a partition JSON ({err})", path) from err
    check_partition(part, path)
    return part


def check_names(
    part: Partition, sizes_a: Mapping[str, int], sizes_b: Mapping[str, int], path: str | Path | None
) -> None:
    """Every chromosome named in the split must exist in its species."""
    for sp, sizes in (("a", sizes_a), ("b", sizes_b)):
        named = set(getattr(part, f"held_out_{sp}"))
        for half in HALVES:
            h = part.half(half)
            for kind in SETS:
                named |= set(getattr(h, f"{kind}_{sp}", []) or [])
        unknown = sorted(named - set(sizes))
        if unknown:
            raise InputError(
                f"species {sp.upper()} chromosome(s) not in its sizes file: {', '.join(unknown)}",
                path,
            )


def select(
    pairs: pd.DataFrame, chroms_a: Sequence[str], chroms_b: Sequence[str] | None
) -> np.ndarray:
    """Indices (``index`` column) of the pairs whose A (and B, when given) chromosome is listed."""
    mask = pairs["chrom_a"].isin(list(chroms_a)).to_numpy().copy()
    if chroms_b is not None:
        mask &= pairs["chrom_b"].isin(list(chroms_b)).to_numpy()
    return pairs["index"].to_numpy(dtype=np.int64)[mask]
