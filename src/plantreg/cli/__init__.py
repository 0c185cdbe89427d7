"""The ``plantreg`` command line: thin typer wrappers over the library, one group per domain."""
