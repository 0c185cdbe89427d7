"""Chromosome split into train / valid / test by name (never by ``int()`` of a name).

Explicit lists are validated (unknown names, a name in two sets, an empty set). Whatever is not
given explicitly is chosen automatically from the chromosome sizes, and the rule is recorded in the
``method`` string of ``split.json``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from plantreg.errors import InputError
from plantreg.io import atomic_open

log = logging.getLogger(__name__)

SETS = ("train", "valid", "test")
# Organelle genomes are never held out: they are tiny, clonal and unlike nuclear chromatin.
_ORGANELLE = re.compile(
    r"^(chr)?(c|m|mt|pt|cp|chloroplast|mitochondri(a|on)|plastid)$", re.IGNORECASE
)
# Automatic hold-outs come from chromosome-sized sequences, not from small unplaced scaffolds.
MIN_FRACTION_OF_LARGEST = 0.1
_AUTO_RULE = (
    f" (automatic = the nuclear chromosome closest to the median size among those >= "
    f"{MIN_FRACTION_OF_LARGEST:g} x the largest and not yet assigned; organelles never held out)"
)


def is_organelle(name: str) -> bool:
    return bool(_ORGANELLE.match(name))


def parse_list(text: str | None) -> list[str]:
    """Comma list → names (empty items ignored, order kept)."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def make_split(
    sizes: dict[str, int],
    valid: list[str] | None = None,
    test: list[str] | None = None,
    exclude: list[str] | None = None,
    sizes_path: str | Path | None = None,
) -> dict[str, list[str] | str]:
    """Build ``{"train", "valid", "test", "excluded", "method"}`` from sizes and optional lists."""
    valid, test, exclude = list(valid or []), list(test or []), list(exclude or [])
    _check_names(sizes, {"valid": valid, "test": test, "exclude": exclude}, sizes_path)
    methods = []
    taken = set(valid) | set(test) | set(exclude)
    for role, chosen in (("test", test), ("valid", valid)):
        if chosen:
            methods.append(f"{role}: explicit")
            continue
        pick = _auto_pick(sizes, taken, sizes_path, role)
        chosen.append(pick)
        taken.add(pick)
        methods.append(f"{role}: automatic")
    train = [c for c in sizes if c not in taken]
    if not train:
        raise InputError("no chromosome left for training after valid/test/exclude", sizes_path)
    order = {c: i for i, c in enumerate(sizes)}
    split = {
        "train": train,
        "valid": sorted(valid, key=order.__getitem__),
        "test": sorted(test, key=order.__getitem__),
        "excluded": sorted(exclude, key=order.__getitem__),
        "method": "; ".join(methods) + (_AUTO_RULE if "automatic" in str(methods) else ""),
    }
    log.info("split: %d train, valid %s, test %s, excluded %s", len(train), split["valid"],
             split["test"], split["excluded"])
    return split


def _check_names(sizes: dict[str, int], lists: dict[str, list[str]],
                 sizes_path: str | Path | None) -> None:
    owner: dict[str, str] = {}
    for role, names in lists.items():
        for name in names:
            if name not in sizes:
                raise InputError(
                    f"--{role}-chroms names {name!r}, which is not a chromosome of the genome",
                    sizes_path,
                )
            if name in owner:
                raise InputError(
                    f"chromosome {name!r} is in both --{owner[name]}-chroms and --{role}-chroms",
                    sizes_path,
                )
            owner[name] = role


def _auto_pick(sizes: dict[str, int], taken: set[str], sizes_path: str | Path | None,
               role: str) -> str:
    nuclear = {c: n for c, n in sizes.items() if not is_organelle(c)}
    largest = max(nuclear.values(), default=0)
    pool = [c for c, n in nuclear.items()
            if c not in taken and n >= MIN_FRACTION_OF_LARGEST * largest]
    # Keep at least one candidate chromosome for training.
    if len(pool) < 2:
        raise InputError(
            f"cannot choose a {role} chromosome automatically: too few nuclear chromosomes "
            f"left; give --valid-chroms/--test-chroms",
            sizes_path,
        )
    lengths = sorted(sizes[c] for c in pool)
    median = lengths[(len(lengths) - 1) // 2]
    return min(pool, key=lambda c: (abs(sizes[c] - median), list(sizes).index(c)))


def write_split(path: str | Path, split: dict) -> None:
    with atomic_open(path) as out:
        json.dump(split, out, indent=2)
        out.write("\n")


def read_split(path: str | Path, sizes: dict[str, int]) -> dict[str, list[str]]:
    """Read ``split.json``; every listed chromosome must be in ``sizes`` and in one set only."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read split JSON ({err})", path) from err
    if not isinstance(data, dict) or any(not isinstance(data.get(k), list) for k in SETS):
        raise InputError("split JSON needs lists 'train', 'valid' and 'test'", path)
    seen: dict[str, str] = {}
    for role in (*SETS, "excluded"):
        for name in data.get(role, []):
            if name not in sizes:
                raise InputError(f"{role} chromosome {name!r} is not in the genome", path)
            if name in seen:
                raise InputError(f"chromosome {name!r} is in both {seen[name]} and {role}", path)
            seen[name] = role
        if role in SETS and not data[role]:
            raise InputError(f"the {role} set is empty", path)
    return {k: [str(c) for c in data.get(k, [])] for k in (*SETS, "excluded")}


__all__ = ["SETS", "is_organelle", "make_split", "parse_list", "read_split", "write_split"]
