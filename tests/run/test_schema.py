"""nextflow_schema.json is the one source of every parameter: defaults, types, ranges, choices,
help, and which step options each parameter sets (x-args). Nextflow's ext.args (conf/args.config)
is generated from it, and each command-line option it reaches has the schema's default."""

from __future__ import annotations

import re
from enum import Enum

import pytest
import typer.main

from plantreg.cli.main import app
from plantreg.run import schema
from plantreg.run.args import bindings, render_config, step_args
from tests.nextflow.nfsource import all_processes
from tests.run.conftest import REPO

PROCESSES = all_processes()


def test_args_config_is_generated_from_the_schema() -> None:
    committed = (REPO / "conf" / "args.config").read_text()
    assert committed == render_config(), (
        "conf/args.config differs from nextflow_schema.json: regenerate it with "
        "`python -m plantreg.run.args > conf/args.config`"
    )


def test_nextflow_config_includes_the_generated_args_after_modules() -> None:
    text = (REPO / "nextflow.config").read_text()
    assert text.index("includeConfig 'conf/modules.config'") < text.index(
        "includeConfig 'conf/args.config'"
    )
    modules = (REPO / "conf" / "modules.config").read_text()
    assert not re.search(r"ext\.args\s*=", modules), (
        "ext.args is declared in nextflow_schema.json (x-args), not in conf/modules.config"
    )


def test_every_parameter_is_documented() -> None:
    for name, prop in schema.properties().items():
        assert prop.get("type") and prop.get("description"), name
        assert len(prop.get("help_text", "")) > 40, f"{name}: help_text missing or too short"


def _command_of(process: str):
    script = PROCESSES[process].script_command()
    words = script.split("plantreg", 1)[1].split()
    cmd = typer.main.get_command(app)
    for word in words:
        if word.startswith(("-", "$", "\\")):
            break
        cmd = cmd.commands[word]
    return cmd


def _option(cmd, flag: str):
    for param in cmd.params:
        if flag in (*param.opts, *getattr(param, "secondary_opts", [])):
            return param
    raise AssertionError(f"{cmd.name} has no option {flag}")


@pytest.mark.parametrize("process", sorted(bindings()))
def test_cli_options_default_to_the_schema(process: str) -> None:
    """Each option a parameter reaches exists, its default is the schema's default (so a command
    run by hand behaves as the pipeline does), and its choices are the schema's enum."""
    assert process in PROCESSES, f"x-args names {process}, which is no module's process"
    cmd = _command_of(process)
    for name, flag, prop in bindings()[process]:
        option = _option(cmd, flag.split("/")[0])
        default = prop.get("default")
        if default not in (None, "") and option.default is not None:
            cli_default = option.default.value if isinstance(option.default, Enum) else \
                option.default
            assert cli_default == default, f"{process} {flag}: CLI {cli_default!r} vs {name}"
        if "enum" in prop and isinstance(option.default, Enum):
            choices = [member.value for member in type(option.default)]
            assert sorted(choices) == sorted(prop["enum"]), f"{process} {flag}: choices"


def test_step_args_follow_the_rendering_rules() -> None:
    values = {**schema.defaults(), "test_chroms": "", "valid_chroms": "Chr2",
              "chromatin_class_weights": False, "coexpression_degree_match": False}
    assert step_args("PREP_SPLIT", values) == ["--valid-chroms", "Chr2"]
    train = step_args("CHROMATIN_TRAIN", values)
    assert "--no-class-weights" in train and "--class-weights" not in train
    assert "--degree-match" not in step_args("COEXPRESSION_PAIRS", values)
    values["coexpression_degree_match"] = True
    assert "--degree-match" in step_args("COEXPRESSION_PAIRS", values)


def test_parameter_reference_is_generated_from_the_schema() -> None:
    from plantreg.run.schema_doc import render_parameters_md

    committed = (REPO / "docs" / "parameters.md").read_text()
    assert committed == render_parameters_md(), (
        "docs/parameters.md differs from nextflow_schema.json: regenerate it with "
        "`python -m plantreg.run.schema_doc > docs/parameters.md`"
    )
