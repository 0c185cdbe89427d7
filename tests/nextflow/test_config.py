"""conf/*.config against the processes: every withName: selector names a process, every step
publishes where the contract's output layout says, under the names it lists."""

from __future__ import annotations

import functools
import re
from fnmatch import fnmatch

import pytest

from tests.nextflow.graph import prepare_data_steps, qualified_names, stage_calls, stage_steps
from tests.nextflow.nfsource import (
    CONF,
    REPO,
    _braced,
    all_processes,
    selector_matches,
    strip_comments,
    with_name_blocks,
)

PROCESSES = all_processes()
CONFIGS = sorted(CONF.glob("*.config")) + [REPO / "nextflow.config"]

# docs/dev/contract.md "Output layout" and, for the later stages, the runner's layout
# (src/plantreg/run/, docs/output.md), per process call: (folder, meta.id of its tasks, files).
SPLITS = ("train", "valid", "test")
# Stages whose every process call must have a publish rule of its own here.
PUBLISHED_STAGES = ("TRAIN_CHROMATIN", "CROSS_SPECIES_INFERENCE", "TRAIN_EXPRESSION", "EXPLAIN",
                    "REPORT")
LAYOUT = {
    "PREP_INDEX": ("prepare_data/genome", "genome", {"genome.size"}),
    "PREP_CHECK_NAMES": ("prepare_data/genome", "genome", {"names.report.tsv"}),
    "PREP_MERGE_PEAKS": ("prepare_data/peaks", "H3K4ME3", {"H3K4ME3.merged.bed"}),
    "PREP_SPLIT": ("prepare_data/split", "genome", {"split.json"}),
    "PREP_WINDOWS": (
        "prepare_data/windows",
        "genome",
        {f"{s}.bed" for s in SPLITS} | {f"{s}.index.tsv" for s in SPLITS} | {"windows.report.tsv"},
    ),
    "PREP_LABELS": (
        "prepare_data/dataset",
        "train",
        {"train.labels.npy", "train.signal.npy", "tags.txt", "signal_tags.txt"},
    ),
    "PREP_ENCODE": ("prepare_data/dataset", "train", {"train.seq.npy"}),
    "PREP_SEIPLANT_EXPORT": ("prepare_data/seiplant", "train", {"train.fa", "tag.txt"}),
    "PREP_PROMOTERS": (
        "prepare_data/promoters",
        "genome",
        {f"promoters.{ext}" for ext in ("bed", "tsv", "fa", "report.tsv")},
    ),
    # TRAIN_CHROMATIN (meta.id 'chromatin'); the runner's resume state (last.ckpt,
    # best.weights.pt) is not a declared output, so Nextflow does not publish it.
    "CHROMATIN_TRAIN": (
        "train_chromatin/model", "chromatin", {"model.pt", "metrics.tsv", "learning_curve.png"}
    ),
    "CHROMATIN_EVALUATE": (
        "train_chromatin/evaluate",
        "chromatin",
        {"evaluation.tsv", "evaluation.json", "roc_curves.png", "pr_curves.png", "loss_curve.png"},
    ),
    # CROSS_SPECIES_INFERENCE (meta.id 'target'); predictions are one task per chunk of
    # PREP_CHUNKS, each published in a folder named after its chunk (the prefix closure gives
    # 'chunk_0001' here).
    "PREP_INDEX_TARGET": ("cross_species_inference/genome", "target", {"target.size"}),
    "PREP_CHUNKS": ("cross_species_inference/genome", "target", {"target.chunks.tsv"}),
    "CHROMATIN_PREDICT": (
        "cross_species_inference/predictions",
        "chunk_0001",
        {"chunk_0001/H3K4ME3.bedGraph", "chunk_0001/predict.report.tsv"},
    ),
    "CHROMATIN_MERGE_TRACKS": (
        "cross_species_inference/tracks",
        "H3K4ME3",
        {"H3K4ME3.bw", "H3K4ME3.bedGraph"},
    ),
    "CHROMATIN_SCORE": (
        "cross_species_inference/score",
        "target",
        {"evaluation.tsv", "evaluation.json", "score.report.tsv"}
        | {"roc_curves.png", "pr_curves.png"},
    ),
    # TRAIN_EXPRESSION (meta.id 'expression'): each module writes one folder named by its prefix
    # (published whole, as the runner writes it), beside the files other steps read.
    "EXPR_DATASET": (
        "train_expression", "expression", {"dataset", "dataset/report.tsv", "dataset/targets.png"}
    ),
    "EXPR_TRAIN": (
        "train_expression",
        "expression",
        {"model", "model/model.pt", "model/metrics.tsv", "model/learning_curve.png"},
    ),
    "EXPR_EVALUATE": (
        "train_expression",
        "expression",
        {"evaluate", "evaluate/evaluation.tsv", "evaluate/expression_means.json"},
    ),
    # EXPLAIN: one task per gene chunk, in a folder named after its 0-based index (the prefix
    # closure gives '0' here), under chunks/ and cre/ (beside the run's one threshold); one
    # gather in merged/.
    "EXPR_EXPLAIN": ("explain/chunks", "0", {"0", "0/scores.npz", "0/scores.tsv"}),
    "EXPR_CRE_THRESHOLD": ("explain", "explain", {"cre/threshold.json"}),
    "EXPR_SCAN_CRE": ("explain/cre", "0", {"0", "0/cre.bed"}),
    "EXPR_GATHER": (
        "explain",
        "explain",
        {"merged", "merged/cre.bed", "merged/cre_evaluation.tsv", "merged/speciesA.importance.bw"},
    ),
    # REPORT: the run report and MultiQC's data, beside the sections it was built from.
    "MULTIQC": ("multiqc", "multiqc", {"multiqc_report.html", "multiqc_data", "custom_content"}),
}


@functools.cache
def _qualified() -> dict[str, set[str]]:
    """qualified_names(), read once (it parses every workflow file)."""
    return qualified_names()


def _process(call: str):
    """The module process of a call (``PREP_INDEX_TARGET`` is ``PREP_INDEX as ...``)."""
    for stage in PUBLISHED_STAGES:
        for alias, step in zip(stage_calls(stage), stage_steps(stage), strict=True):
            if alias == call:
                return PROCESSES[step]
    return PROCESSES[call]


def _glob(name: str, pattern: str) -> bool:
    """Nextflow's glob: fnmatch plus {a,b} alternatives."""
    brace = re.search(r"\{([^{}]*)\}", pattern)
    if not brace:
        return fnmatch(name, pattern)
    head, tail = pattern[: brace.start()], pattern[brace.end() :]
    return any(_glob(name, head + alt + tail) for alt in brace.group(1).split(","))


def _names(process: str) -> set[str]:
    return {process} | _qualified().get(process, set())


def _blocks_for(process: str) -> list[str]:
    names = _names(process)
    return [
        body
        for config in CONFIGS
        for selector, body in with_name_blocks(config)
        if selector_matches(selector, names)
    ]


def test_selectors_are_found():
    selectors = [s for config in CONFIGS for s, _ in with_name_blocks(config)]
    assert len(selectors) >= len(prepare_data_steps())


@pytest.mark.parametrize(
    "config,selector",
    [(c.relative_to(REPO).as_posix(), s) for c in CONFIGS for s, _ in with_name_blocks(c)],
)
def test_with_name_matches_a_process(config, selector):
    known = set(PROCESSES) | set(_qualified())  # aliases are processes of their own
    assert any(selector_matches(selector, _names(p)) for p in known), (
        f"{config}: withName '{selector}' matches no process in modules/"
    )


def test_selector_rule_follows_nextflow():
    """Fully qualified names and regular expressions, as Nextflow matches them."""
    names = _names("PREP_LABELS")
    assert selector_matches("PLANTREG:PREPARE_DATA:PREP_LABELS", names)
    assert selector_matches(".*:PREP_LABELS", names)
    assert selector_matches("PREP_.*", names)
    assert selector_matches("PREP_LABELS|PREP_ENCODE", names)
    assert not selector_matches("PREP_LABEL", names)
    assert not selector_matches("OTHER:PREP_LABELS", names)
    assert not selector_matches("!PREP_LABELS", names)


@pytest.mark.parametrize("process", sorted(LAYOUT))
def test_published_where_the_contract_says(process):
    folder, meta_id, expected = LAYOUT[process]
    blocks = _blocks_for(process)
    body = " ".join(blocks)
    paths = re.findall(r'path:\s*\{\s*"\$\{params\.outdir\}/([^"]+)"\s*\}', body)
    assert paths == [folder]
    prefix = re.findall(r"ext\.prefix\s*=\s*'([^']+)'", body)
    prefix = prefix[-1] if prefix else meta_id
    pattern = re.findall(r"pattern:\s*'([^']+)'", body)
    strips_folder = "tokenize('/').last()" in body
    strips_first = "fn.substring(fn.indexOf('/') + 1)" in body
    published = set()
    for out in _process(process).output_patterns():
        name = out.replace("${prefix}", prefix).replace("${fasta}", "genome.fa")
        name = name.rsplit("/", 1)[-1] if strips_folder else name
        name = name.split("/", 1)[-1] if strips_first else name
        if all(_glob(name, p) for p in pattern):  # `pattern` filters what is published
            published.add(name)
    unmatched = [f for f in expected if not any(fnmatch(f, p) for p in published)]
    assert unmatched == [], f"{process} does not publish {unmatched} (publishes {published})"
    stray = [p for p in published if not any(fnmatch(f, p) for f in expected)]
    assert stray == [], f"{process} publishes {stray}, which the contract's layout does not list"


def test_every_step_has_a_publish_rule():
    calls = prepare_data_steps() + [c for s in PUBLISHED_STAGES for c in stage_calls(s)]
    assert sorted(LAYOUT) == sorted(calls)


def test_predictions_are_published_per_chunk():
    """CHROMATIN_PREDICT runs once per chunk; its prefix is the chunk's id, so that the shards of
    different chunks land in different folders."""
    (body,) = [b for b in _blocks_for("CHROMATIN_PREDICT") if "ext.prefix" in b]
    assert re.search(r"ext\.prefix\s*=\s*\{\s*meta\.chunk\b", body)


@pytest.mark.parametrize("process", ["EXPR_EXPLAIN", "EXPR_SCAN_CRE"])
def test_explanations_are_published_per_chunk(process):
    """EXPR_EXPLAIN and EXPR_SCAN_CRE run once per gene chunk; their prefix is the chunk's index
    (0 is a valid one, so not `meta.chunk ?: ...`), so that chunks land in different folders."""
    (body,) = [b for b in _blocks_for(process) if "ext.prefix" in b]
    assert re.search(r'ext\.prefix\s*=\s*\{\s*"\$\{meta\.chunk\}"\s*\}', body)


def test_profiles():
    text = strip_comments((REPO / "nextflow.config").read_text())
    start = re.search(r"^profiles\s*\{", text, re.M).end() - 1
    body = _braced(text, start)
    names = set(re.findall(r"^\s{4}(\w+)\s*\{", body, re.M))
    engines = {"docker", "singularity", "apptainer", "podman"}
    assert engines | {"test", "gpu", "awsbatch", "google"} <= names
    assert "includeConfig 'conf/test.config'" in body
    for needed in (
        "params.use_gpu",
        "params.awsqueue",
        "params.awsregion",
        "params.google_project",
    ):
        assert needed in body
    # Nextflow's reports go under <outdir>/pipeline_info/, named by the run's start time: a
    # second run into the same folder leaves the first run's reports (no `overwrite`).
    for scope in ("timeline", "report", "trace", "dag"):
        block = _braced(text, re.search(rf"^{scope}\s*\{{", text, re.M).end() - 1)
        assert "enabled   = true" in block and "overwrite" not in block
        assert re.search(r'file\s*=\s*"\$\{params\.outdir\}/pipeline_info/\w+_\$\{new '
                         r"java\.util\.Date\(\)\.format\('yyyy-MM-dd_HH-mm-ss'\)\}\.\w+\"",
                         block), scope
