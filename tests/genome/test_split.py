import json

import pytest

from plantreg.errors import InputError
from plantreg.genome.split import is_organelle, make_split, read_split, write_split

SIZES = {"Chr1": 30_000_000, "Chr2": 19_000_000, "Chr3": 23_000_000, "Chr4": 18_000_000,
         "Chr5": 27_000_000, "ChrC": 154_000, "ChrM": 367_000, "scaffold_1": 50_000}


def test_explicit_split():
    split = make_split(SIZES, valid=["Chr2"], test=["Chr4", "Chr5"], exclude=["scaffold_1"])
    assert split["valid"] == ["Chr2"] and split["test"] == ["Chr4", "Chr5"]
    assert split["train"] == ["Chr1", "Chr3", "ChrC", "ChrM"]
    assert split["excluded"] == ["scaffold_1"]
    assert split["method"] == "test: explicit; valid: explicit"


def test_automatic_split_uses_sizes_and_never_holds_out_organelles():
    split = make_split(SIZES)
    # nuclear chromosomes sorted: 18, 19, 23, 27, 30 Mb -> median 23 (Chr3), then 19 or 27
    assert split["test"] == ["Chr3"]
    assert split["valid"] == ["Chr2"]  # remaining 18, 19, 27, 30 Mb -> lower median 19
    held = set(split["test"]) | set(split["valid"])
    assert not held & {"ChrC", "ChrM", "scaffold_1"}
    assert set(split["train"]) == set(SIZES) - held
    assert "automatic" in split["method"]


@pytest.mark.parametrize("name", ["ChrC", "chrM", "Pt", "Mt", "chloroplast", "mitochondrion",
                                  "MT", "chrPt"])
def test_organelle_names(name):
    assert is_organelle(name)


@pytest.mark.parametrize("name", ["Chr1", "chr01", "1A", "scaffold_M", "ChrMT2"])
def test_nuclear_names(name):
    assert not is_organelle(name)


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"valid": ["Chr9"]}, "--valid-chroms names 'Chr9', which is not a chromosome"),
    ({"valid": ["Chr1"], "test": ["Chr1"]}, "'Chr1' is in both --valid-chroms and --test-chroms"),
    ({"test": ["Chr2"], "exclude": ["Chr2"]}, "'Chr2' is in both --test-chroms and --exclude"),
    ({"valid": ["Chr1", "Chr2", "Chr3"], "test": ["Chr4", "Chr5"],
      "exclude": ["ChrC", "ChrM", "scaffold_1"]}, "no chromosome left for training"),
])
def test_split_validation_errors(kwargs, problem):
    with pytest.raises(InputError) as err:
        make_split(SIZES, sizes_path="g.size", **kwargs)
    assert str(err.value).startswith("g.size: ")
    assert problem in str(err.value)


def test_automatic_split_needs_enough_chromosomes():
    with pytest.raises(InputError, match="cannot choose a test chromosome automatically"):
        make_split({"Chr1": 1000, "ChrC": 100})


def test_read_split_round_trip_and_validation(tmp_path):
    path = tmp_path / "split.json"
    write_split(path, make_split(SIZES))
    assert read_split(path, SIZES)["test"] == ["Chr3"]
    bad = {"train": ["Chr1"], "valid": [], "test": ["Chr2"], "excluded": []}
    path.write_text(json.dumps(bad))
    with pytest.raises(InputError, match="the valid set is empty"):
        read_split(path, SIZES)
    path.write_text(json.dumps({"train": ["Chr1"], "valid": ["ChrX"], "test": ["Chr2"]}))
    with pytest.raises(InputError, match="valid chromosome 'ChrX' is not in the genome"):
        read_split(path, SIZES)
    path.write_text(json.dumps({"train": ["Chr1"], "valid": ["Chr1"], "test": ["Chr2"]}))
    with pytest.raises(InputError, match="'Chr1' is in both train and valid"):
        read_split(path, SIZES)
