"""The species sheet of the expression model (``species,fasta,gff,expression``, then optionally
``valid_chroms`` and ``test_chroms``: a species' held-out chromosomes), validated against
``assets/schema_species.json`` as the samplesheet is (:mod:`plantreg.run.sheets`): the checks
nf-schema makes for Nextflow, unique ``uniqueEntries`` and files that exist. Paths are absolute or
relative to the sheet's folder, as in the samplesheet. Every fault is one line naming the sheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plantreg.run.schema import species_schema
from plantreg.run.sheets import read_rows, sheet_file, validate_rows

COLUMNS = ("species", "fasta", "gff", "expression")
OPTIONAL = ("valid_chroms", "test_chroms")  # names separated by ';' (or ','); empty = automatic
FILES = ("fasta", "gff", "expression")


@dataclass(frozen=True)
class Species:
    name: str
    fasta: Path
    gff: Path
    expression: Path
    valid_chroms: str = ""
    test_chroms: str = ""

    def split_argv(self) -> list[str]:
        """``expression dataset``'s options for this species' held-out chromosomes, if given."""
        return [a for option, value in (("--valid-chroms", self.valid_chroms),
                                        ("--test-chroms", self.test_chroms)) if value
                for a in (option, f"{self.name}={value}")]


def read_species_sheet(path: str | Path) -> list[Species]:
    """The rows of a species sheet, in sheet order, with their files resolved and checked."""
    path = Path(path)
    rows = read_rows(path, COLUMNS, "species sheet", OPTIONAL)
    validate_rows(rows, species_schema(), COLUMNS + OPTIONAL, path)
    return [Species(rec["species"], **{column: sheet_file(path, line, rec[column],
                                                         f"{rec['species']}: {column} file")
                                       for column in FILES},
                    **{column: rec.get(column, "") for column in OPTIONAL})
            for line, rec in enumerate(rows, start=2)]
