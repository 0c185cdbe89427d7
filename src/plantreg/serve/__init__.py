"""``plantreg serve``: a local web page over a run's results folder (a FastAPI app)."""
