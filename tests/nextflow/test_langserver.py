"""Nextflow's own parser (the official language server) on every .nf and .config file."""

from __future__ import annotations

import re
import time

import pytest

from tests.nextflow.graph import (
    PREPARE_DATA,
    REPO,
    includes,
    prepare_data_steps,
    stage_calls,
    stages,
    workflow_calls,
)
from tests.nextflow.langserver import ERROR, WARNING

# Offline, the plugin registry cannot be reached: the plugin declaration is then reported missing.
ALLOWED_ERRORS = [re.compile(r"Plugin .*nf-schema.* does not exist")]

# Data dependencies PREPARE_DATA must have (producer -> consumer), hand-written from the contract.
REQUIRED_EDGES = {
    ("PREP_INDEX", "PREP_CHECK_NAMES"),  # the .fai
    ("PREP_CHECK_NAMES", "PREP_MERGE_PEAKS"),  # every later step waits for the name check
    ("PREP_CHECK_NAMES", "PREP_SPLIT"),
    ("PREP_CHECK_NAMES", "PREP_WINDOWS"),
    ("PREP_CHECK_NAMES", "PREP_ENCODE"),
    ("PREP_CHECK_NAMES", "PREP_PROMOTERS"),
    ("PREP_INDEX", "PREP_MERGE_PEAKS"),  # sizes
    ("PREP_INDEX", "PREP_SPLIT"),
    ("PREP_MERGE_PEAKS", "PREP_WINDOWS"),
    ("PREP_SPLIT", "PREP_WINDOWS"),
    ("PREP_WINDOWS", "PREP_LABELS"),
    ("PREP_MERGE_PEAKS", "PREP_LABELS"),
    ("PREP_WINDOWS", "PREP_ENCODE"),
    ("PREP_WINDOWS", "PREP_SEIPLANT_EXPORT"),
    ("PREP_LABELS", "PREP_SEIPLANT_EXPORT"),
}

# Data dependencies of the chromatin and expression stages (producer -> consumer); names as called.
STAGE_EDGES = {
    "TRAIN_CHROMATIN": {
        ("ch_dataset", "CHROMATIN_TRAIN"),
        ("ch_split", "CHROMATIN_TRAIN"),
        ("CHROMATIN_TRAIN", "CHROMATIN_EVALUATE"),  # the model and its training metrics
        ("ch_dataset", "CHROMATIN_EVALUATE"),  # the test split
    },
    "CROSS_SPECIES_INFERENCE": {
        ("ch_target", "PREP_INDEX_TARGET"),
        ("PREP_INDEX_TARGET", "CHROMATIN_PREDICT"),  # the .fai (chromosomes to scatter over)
        ("ch_model", "CHROMATIN_PREDICT"),
        ("CHROMATIN_PREDICT", "CHROMATIN_MERGE_TRACKS"),  # the per-chromosome shards
        ("PREP_INDEX_TARGET", "CHROMATIN_MERGE_TRACKS"),  # sizes
        ("CHROMATIN_MERGE_TRACKS", "CHROMATIN_SCORE"),  # the bigWigs
        ("ch_labels", "CHROMATIN_SCORE"),
        ("ch_dataset", "CHROMATIN_SCORE"),  # k-mer baseline
    },
    "TRAIN_EXPRESSION": {
        ("ch_species", "EXPR_DATASET"),
        ("ch_families", "EXPR_DATASET"),
        ("EXPR_DATASET", "EXPR_TRAIN"),
        ("EXPR_DATASET", "EXPR_EVALUATE"),  # the test genes
        ("EXPR_TRAIN", "EXPR_EVALUATE"),  # the checkpoint
    },
    "EXPLAIN": {
        ("ch_dataset", "EXPR_EXPLAIN"),
        ("ch_checkpoint", "EXPR_EXPLAIN"),
        ("EXPR_EXPLAIN", "EXPR_CRE_THRESHOLD"),  # every chunk's scores
        ("EXPR_CRE_THRESHOLD", "EXPR_SCAN_CRE"),  # the run's one threshold
        ("EXPR_EXPLAIN", "EXPR_SCAN_CRE"),  # one chunk's scores
        ("EXPR_EXPLAIN", "EXPR_GATHER"),  # every chunk's scores
        ("EXPR_SCAN_CRE", "EXPR_GATHER"),  # every chunk's CREs
        ("ch_dataset", "EXPR_GATHER"),  # gene coordinates and chromosome sizes
        ("ch_truth", "EXPR_GATHER"),
    },
}


def _dag(server, path, workflow):
    text = server.preview_dag(path, workflow)
    nodes = dict(re.findall(r"^\s*(v\d+)\(\[([A-Z0-9_]+)\]\)", text, re.M))
    nodes.update(re.findall(r'^\s*(v\d+)\["([^"]+)"\]', text, re.M))
    edges = {
        (nodes[a], nodes[b])
        for a, b in re.findall(r"^\s*(v\d+) --> (v\d+)", text, re.M)
        if a in nodes and b in nodes
    }
    processes = set(re.findall(r"^\s*v\d+\(\[([A-Z0-9_]+)\]\)", text, re.M))
    return processes, edges


def test_every_file_gets_diagnostics(language_server):
    _server, uris, complete, _diags = language_server
    names = {u.removeprefix(REPO.as_uri() + "/") for u in uris}
    assert {"main.nf", "nextflow.config", "workflows/plantreg.nf", "conf/base.config"} <= names
    assert "subworkflows/local/prepare_data/main.nf" in names
    assert complete, "the language server did not publish diagnostics for every file in time"


def test_no_error_diagnostics(language_server):
    _server, _uris, _complete, diags = language_server
    for diag in diags:
        if diag.severity <= WARNING:
            print(diag)  # shown with -rA or on failure: warnings are worth reading
    errors = [
        str(d)
        for d in diags
        if d.severity == ERROR and not any(p.search(d.message) for p in ALLOWED_ERRORS)
    ]
    assert errors == []


def test_the_server_reports_a_broken_script(language_server):
    """The check above can fail: a script with an undefined name and a bad call is an error."""
    server = language_server[0]
    uri = (REPO / "tests" / "nextflow" / "_broken_example.nf").as_uri()
    text = "workflow {\n    main:\n    NOT_INCLUDED(undefined_channel\n}\n"
    doc = {"uri": uri, "languageId": "nextflow", "version": 1, "text": text}
    server.notify("textDocument/didOpen", {"textDocument": doc})
    deadline = time.monotonic() + 60
    while uri not in server.published and time.monotonic() < deadline:
        time.sleep(0.2)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert any(d.get("severity", ERROR) == ERROR for d in server.diagnostics.get(uri, []))


def test_prepare_data_dag_has_every_step_and_its_dependencies(language_server):
    processes, edges = _dag(language_server[0], PREPARE_DATA, "PREPARE_DATA")
    steps = prepare_data_steps()
    assert processes == set(steps)
    missing = sorted(REQUIRED_EDGES - edges)
    assert missing == []
    # The source order (which the one-machine runner follows) respects every dependency.
    rank = {name: i for i, name in enumerate(steps)}
    backwards = [(a, b) for a, b in edges if a in rank and b in rank and rank[a] >= rank[b]]
    assert backwards == []


def test_plantreg_dag_runs_prepare_data(language_server):
    processes, edges = _dag(language_server[0], REPO / "workflows" / "plantreg.nf", "PLANTREG")
    assert "PREPARE_DATA" in processes
    assert ("samplesheet", "PREPARE_DATA") in edges


@pytest.mark.parametrize("stage", sorted(STAGE_EDGES))
def test_chromatin_stage_dags(language_server, stage):
    path = includes(REPO / "workflows" / "plantreg.nf")[stage]
    processes, edges = _dag(language_server[0], path, stage)
    calls = stage_calls(stage)
    assert processes == set(calls)
    assert sorted(STAGE_EDGES[stage] - edges) == []
    rank = {name: i for i, name in enumerate(calls)}
    backwards = [(a, b) for a, b in edges if a in rank and b in rank and rank[a] >= rank[b]]
    assert backwards == []


def test_plantreg_dag_wires_the_chromatin_stages(language_server):
    workflow = REPO / "workflows" / "plantreg.nf"
    processes, edges = _dag(language_server[0], workflow, "PLANTREG")
    assert set(stages()) <= processes
    assert {
        ("PREPARE_DATA", "TRAIN_CHROMATIN"),
        ("PREPARE_DATA", "CROSS_SPECIES_INFERENCE"),  # the dataset (k-mer baseline)
        ("TRAIN_CHROMATIN", "CROSS_SPECIES_INFERENCE"),  # the model
    } <= edges
    # TRAIN_CHROMATIN always runs: it is called outside any `if` (the optional stages are not).
    assert workflow_calls(workflow, "PLANTREG").count("TRAIN_CHROMATIN") == 1
    body = workflow.read_text()
    call = body.index("TRAIN_CHROMATIN(")
    assert body.rfind("if(", 0, call) < body.rfind("}", 0, call)


def test_plantreg_dag_wires_the_expression_stages(language_server):
    """EXPLAIN reads TRAIN_EXPRESSION's dataset and model; both run only with a species sheet
    (called inside the `if( params.expression_input )` block), after TRAIN_TFBS."""
    workflow = REPO / "workflows" / "plantreg.nf"
    processes, edges = _dag(language_server[0], workflow, "PLANTREG")
    assert {"TRAIN_EXPRESSION", "EXPLAIN"} <= processes
    assert ("TRAIN_EXPRESSION", "EXPLAIN") in edges
    calls = workflow_calls(workflow, "PLANTREG")
    assert calls.index("TRAIN_TFBS") < calls.index("TRAIN_EXPRESSION") < calls.index("EXPLAIN")
    body = workflow.read_text()
    guard = body.index("if( params.expression_input )")
    for stage in ("TRAIN_EXPRESSION(", "EXPLAIN("):
        call = body.index(stage)
        assert _inside(body, guard, call), stage


def _inside(body: str, start: int, at: int) -> bool:
    """Whether position ``at`` lies within the braces of the block opening after ``start``
    (braces of closures and `${...}` inside it balance)."""
    if at < start:
        return False
    depth = 0
    for i in range(body.index("{", start), at):
        depth += {"{": 1, "}": -1}.get(body[i], 0)
        if depth == 0:
            return False
    return True


def test_plantreg_dag_runs_the_report_last(language_server):
    """REPORT reads what every stage reports (so it waits for each), and is called last."""
    workflow = REPO / "workflows" / "plantreg.nf"
    processes, edges = _dag(language_server[0], workflow, "PLANTREG")
    read = {"PREPARE_DATA", "TRAIN_CHROMATIN", "CROSS_SPECIES_INFERENCE", "TRAIN_COEXPRESSION",
            "TRAIN_CONSERVATION", "TRAIN_TFBS", "TRAIN_EXPRESSION", "EXPLAIN"}
    assert "REPORT" in processes
    assert sorted(read - {a for a, b in edges if b == "REPORT"}) == []
    assert workflow_calls(workflow, "PLANTREG")[-1] == "REPORT"
