"""plantreg: learn the regulatory code of plant genomes and carry it across species."""

__version__ = "0.1.0"
