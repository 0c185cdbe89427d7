"""GPU and containers as shipped: one image named in one place (nextflow.config's
process.container), the GPU image under -profile gpu, the process_gpu label's resources, and the
files a release carries (environment.yml, LICENSE, CHANGELOG.md, CITATIONS.md)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from plantreg import __version__
from tests.nextflow.nfsource import (
    CONF,
    REPO,
    _braced,
    all_processes,
    config_block,
    module_files,
    strip_comments,
)

NEXTFLOW_CONFIG = REPO / "nextflow.config"
PROCESSES = all_processes()
GPU_STEPS = ("CONSERVATION_SEARCH", "CONSERVATION_TRAIN")
EXPRESSION_GPU_STEPS = ("EXPR_TRAIN", "EXPR_EXPLAIN")


def _block(text: str, pattern: str) -> str:
    """The body of the first ``<pattern> {`` block (comments stripped)."""
    match = re.search(pattern + r"\s*\{", text, re.M)
    assert match, f"no block matching {pattern!r}"
    return _braced(text, match.end() - 1)


def _pyproject(key: str) -> str:
    """The raw value of ``key = ...`` in pyproject.toml's [project] table (a list up to its closing
    bracket); read as text, since tomllib is not in Python 3.10."""
    text = (REPO / "pyproject.toml").read_text()
    project = text.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    match = re.search(rf"^{key}\s*=\s*(\[.*?^\]|.*?$)", project, re.M | re.S)
    assert match, key
    return match.group(1)


def _project_dependencies() -> list[str]:
    return re.findall(r'^\s*"([^"]+)"', _pyproject("dependencies"), re.M)


def _config() -> str:
    return strip_comments(NEXTFLOW_CONFIG.read_text())


def _container_closure() -> str:
    """The closure assigned to process.container, on one line."""
    body = _block(_config(), r"^process\.container\s*=")
    return " ".join(body.split())


def _profile(name: str) -> str:
    profiles = _block(_config(), r"^profiles")
    return _block(profiles, rf"^\s{{4}}{name}")


def _label(name: str) -> str:
    return _block(strip_comments((CONF / "base.config").read_text()), rf"withLabel\s*:\s*{name}")


# --- One image, named once -------------------------------------------------------------------


@pytest.mark.parametrize("path", [p.relative_to(REPO).as_posix() for p in module_files()])
def test_modules_name_no_image(path):
    """Every process takes its image from process.container: no module has a container line."""
    text = strip_comments((REPO / path).read_text())
    assert not re.search(r"^\s*container\b", text, re.M), f"{path} names its own container"


def test_no_config_names_another_image():
    """process.container in nextflow.config is the only place an image is named."""
    for path in sorted(CONF.glob("*.config")) + [NEXTFLOW_CONFIG]:
        text = strip_comments(path.read_text())
        params = re.search(r"^params\s*\{", text, re.M)
        if params:  # the `container` parameter is not a setting
            text = text.replace(_braced(text, params.end() - 1), "")
        found = re.findall(r"^\s*(?:process\.)?container\s*=", text, re.M)
        expected = 1 if path == NEXTFLOW_CONFIG else 0
        assert len(found) == expected, f"{path.relative_to(REPO)}: {len(found)} container settings"


def test_image_is_registry_name_and_pipeline_version():
    closure = _container_closure()
    assert re.search(
        r"\"\$\{params\.container_registry[^}]*\}plantreg:\"\s*\+\s*"
        r"\"\$\{workflow\.manifest\.version\}\$\{params\.use_gpu \? '-gpu' : ''\}\"",
        closure,
    ), closure
    # --container replaces the derived name, for every engine.
    assert closure.startswith("params.container ?:"), closure


def test_singularity_and_apptainer_pull_the_docker_image():
    closure = _container_closure()
    assert re.search(
        r"workflow\.containerEngine in \['singularity', 'apptainer'\] \? 'docker://' : ''",
        closure,
    ), closure


def test_gpu_profile_selects_the_gpu_image():
    """-profile gpu sets use_gpu, which appends the GPU image's tag suffix; that suffix is the one
    the GPU recipe and the container check build."""
    assert re.search(r"params\.use_gpu\s*=\s*true", _profile("gpu"))
    assert config_block(NEXTFLOW_CONFIG, "params")["use_gpu"] is False
    suffix = re.search(r"params\.use_gpu \? '([^']+)' : ''", _container_closure()).group(1)
    recipe = (REPO / "containers" / "Dockerfile.gpu").read_text()
    assert f"-t plantreg:{__version__}{suffix} ." in recipe
    check = (REPO / "scripts" / "container-check.sh").read_text()
    assert f"plantreg:$VERSION{suffix}}}" in check


def test_container_parameters_are_declared():
    params = config_block(NEXTFLOW_CONFIG, "params")
    assert params["container_registry"] == ""
    assert params["container"] is None
    schema = json.loads((REPO / "nextflow_schema.json").read_text())
    props = {k: v for g in schema["$defs"].values() for k, v in g["properties"].items()}
    for name in ("container_registry", "container", "use_gpu"):
        assert props[name]["type"] in ("string", "boolean"), name
        assert props[name]["description"] and props[name]["help_text"], name
    assert props["container_registry"]["default"] == ""
    pattern = re.compile(props["container_registry"]["pattern"])
    assert pattern.search("") and pattern.search("ghcr.io/myorg/")
    assert not pattern.search("ghcr.io/myorg")  # the prefix ends in '/'


def test_singularity_definition_converts_the_versioned_image():
    definition = (REPO / "containers" / "plantreg.def").read_text()
    assert re.search(r"^Bootstrap:\s*docker-daemon$", definition, re.M)
    assert re.search(r"^From:\s*\{\{ IMAGE \}\}$", definition, re.M)
    assert re.search(rf"^\s+IMAGE=plantreg:{re.escape(__version__)}$", definition, re.M)
    assert re.search(r"^%test\n\s+plantreg --version$", definition, re.M)


# --- The process_gpu label --------------------------------------------------------------------


def test_process_gpu_asks_for_cpus_memory_and_time():
    body = _label("process_gpu")
    for resource, unit in (("cpus", r"\d+"), ("memory", r"\d+\.GB"), ("time", r"\d+\.h")):
        assert re.search(
            rf"^\s*{resource}\s*=\s*\{{\s*(params\.threads\s*\?:\s*)?{unit}\s*\*\s*task\.attempt\s*\}}",
            body, re.M
        ), resource


def test_process_gpu_asks_for_a_gpu_only_when_one_is_wanted():
    body = " ".join(_label("process_gpu").split())
    assert "accelerator = { params.use_gpu ? 1 : null }" in body
    options = re.search(r"containerOptions = \{(.*?)\}", body).group(1).strip()
    assert options.startswith("!params.use_gpu ? '' :"), options
    assert "workflow.containerEngine in ['singularity', 'apptainer'] ? '--nv'" in options
    assert options.endswith("'--gpus all'"), options


@pytest.mark.parametrize("process", GPU_STEPS)
def test_conservation_training_steps_are_gpu_steps(process):
    header = PROCESSES[process].header
    assert re.findall(r"label\s+'([a-z_]+)'", header) == ["process_gpu"]
    # They choose the device from the accelerator the label grants.
    assert "task.accelerator" in PROCESSES[process].sections["script"]


@pytest.mark.parametrize("process", EXPRESSION_GPU_STEPS)
def test_expression_training_and_explanation_are_gpu_steps(process):
    header = PROCESSES[process].header
    assert re.findall(r"label\s+'([a-z_]+)'", header) == ["process_gpu"]
    assert "def device = task.accelerator ? 'cuda' : 'cpu'" in PROCESSES[process].sections["script"]
    assert "--device ${device}" in PROCESSES[process].script_command()


# --- Files a release carries ------------------------------------------------------------------

# pyproject (PyPI) name -> the names that provide it in environment.yml (conda-forge/bioconda).
CONDA_NAMES = {
    "torch": {"pytorch", "pytorch-cpu", "pytorch-gpu"},
    "matplotlib": {"matplotlib", "matplotlib-base"},
}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_lists_every_dependency():
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip = [d for d in deps if isinstance(d, dict)]
    assert len(pip) == 1 and set(pip[0]) == {"pip"}
    pip_reqs = pip[0]["pip"]
    listed = {_name(d) for d in deps if isinstance(d, str)} | {
        _name(d) for d in pip_reqs if not d.startswith("-")
    }
    dependencies = _project_dependencies()
    assert len(dependencies) >= 10 and "torch>=2.1" in dependencies
    missing = [
        req for req in dependencies if not (CONDA_NAMES.get(_name(req), {_name(req)}) & listed)
    ]
    assert missing == []
    assert any(re.fullmatch(r"(-e\s+)?\.", d) for d in pip_reqs)  # the package itself
    assert "pytorch-cpu" in listed  # the CPU build, the GPU one named in a comment
    assert "pytorch-gpu" in (REPO / "environment.yml").read_text()


def test_license_is_mit_as_pyproject_says():
    text = (REPO / "LICENSE").read_text()
    assert _pyproject("license") == '{ text = "MIT" }'
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the plantreg authors$", text, re.M)
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_changelog_has_unreleased_and_this_version():
    text = (REPO / "CHANGELOG.md").read_text()
    assert text.startswith("# Changelog")
    assert re.search(r"^## \[Unreleased\]$", text, re.M)
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d\d-\d\d$", text, re.M)
    unreleased = text.split("## [Unreleased]", 1)[1].split(f"## [{__version__}]", 1)[0]
    for item in (
        "One source of truth for parameters",
        "One declaration per step",
        "Content-keyed resume",
        "Scaffold-level assemblies",
        "GPU and containers as shipped",
    ):
        assert item in unreleased, item


def test_citations_name_the_systems_and_tools():
    text = (REPO / "CITATIONS.md").read_text()
    for name in (
        "SeiPlant",
        "Sei",
        "DAP-seq",
        "LECIF",
        "NyxBind",
        "Mix_cre",
        "Nextflow",
        "nf-core",
        "PyTorch",
        "pysam",
        "pyBigWig",
        "JASPAR",
        "scikit-learn",
        "MultiQC",
    ):
        assert name in text, name
    # LECIF's reference as its own documentation gives it.
    assert "10.1038/s41467-021-22653-8" in text
