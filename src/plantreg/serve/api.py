"""The JSON API (``/api/...``): predictions, explanations and CREs computed live, and the run's
tracks, motifs and network. The page uses nothing else; FastAPI documents it at ``/docs``."""

from __future__ import annotations

from typing import Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse

from plantreg.expression.cre import CreSettings
from plantreg.expression.explain import ExplainSettings
from plantreg.genome.encode import decode, encode
from plantreg.serve.schemas import CreRequest, PredictRequest, SequenceRequest
from plantreg.serve.state import ServeState

router = APIRouter(prefix="/api")
Method = Literal["ism", "occlusion", "gxi"]


def _state(request: Request) -> ServeState:
    return request.app.state.plantreg


def _window(req: SequenceRequest, length: int, genes: dict) -> tuple[np.ndarray, str]:
    """The request's sequence as codes of exactly ``length`` bp, and its text."""
    if req.gene is not None:
        if req.gene not in genes:
            raise HTTPException(404, f"gene {req.gene!r} is not in the expression dataset")
        codes = np.asarray(genes[req.gene][1], dtype=np.uint8)
        if len(codes) != length:
            raise HTTPException(422, f"gene windows are {len(codes)} bp; this model reads "
                                     f"{length} bp")
        return codes, decode(codes)
    seq = req.sequence or ""
    if len(seq) > length:
        raise HTTPException(422, f"the sequence is {len(seq)} bp; the model reads {length} bp")
    if len(seq) < length:
        if req.pad == "none":
            raise HTTPException(422, f"the sequence is {len(seq)} bp; the model reads {length} "
                                     "bp (paste one that long, or pad it with N: pad 5p or 3p)")
        fill = "N" * (length - len(seq))
        seq = fill + seq if req.pad == "5p" else seq + fill
    return encode(seq), seq


def _expression(state: ServeState):
    if state.expression is None:
        raise HTTPException(404, "this run has no expression model (TRAIN_EXPRESSION)")
    return state.expression


@router.get("/info")
def info(request: Request) -> dict:
    """What this run can answer: the models, their windows, and the page's sections."""
    return _state(request).info()


@router.post("/predict")
def predict(req: PredictRequest, request: Request) -> dict:
    """Expression (z, TPM, species probabilities) or chromatin (per-mark probabilities)."""
    state = _state(request)
    if req.model == "chromatin":
        if state.chromatin is None:
            raise HTTPException(404, "this run has no chromatin model (TRAIN_CHROMATIN)")
        codes, _ = _window(req, state.chromatin.length, {} if state.expression is None
                           else state.expression.genes)
        return {"model": "chromatin", "length": len(codes),
                "marks": state.chromatin.predict(codes)}
    service = _expression(state)
    codes, _ = _window(req, service.length, service.genes)
    return {"model": "expression", "length": len(codes), "gene": req.gene,
            **service.predict(codes)}


@router.post("/explain/{method}")
def explain(method: Method, req: SequenceRequest, request: Request) -> dict:
    """Signed per-base importance for the expression model, with the CREs it calls: at the
    run's threshold (EXPLAIN's, when it used this method), else at this sequence's quantile."""
    state = _state(request)
    service = _expression(state)
    codes, seq = _window(req, service.length, service.genes)
    score = service.explain(codes, method, ExplainSettings())
    run = state.threshold_for(method)
    cres, threshold = service.cres(score, codes, CreSettings(), run)
    return {"method": method, "length": len(codes), "upstream": service.upstream,
            "sequence": seq, "scores": np.round(score, 6).tolist(),
            "cres": cres.to_dict(orient="records"), "threshold": threshold,
            "threshold_from": "sequence" if run is None else "run", **service.predict(codes)}


@router.post("/cre")
def cre(req: CreRequest, request: Request) -> dict:
    """CREs of one sequence: runs of |score| above the request's quantile of this sequence."""
    service = _expression(_state(request))
    codes, _ = _window(req, service.length, service.genes)
    score = service.explain(codes, req.method, ExplainSettings())
    settings = CreSettings(req.quantile, req.max_gap, req.min_length)
    table, _ = service.cres(score, codes, settings)
    return {"method": req.method, "length": len(codes), "cres": table.to_dict(orient="records")}


@router.get("/tracks")
def tracks(request: Request) -> list[dict]:
    """Every genome of the run with the tracks drawn on it (URLs under ``/files``)."""
    return _state(request).catalogue.to_json()


@router.get("/cre-bed/{species}", response_class=PlainTextResponse)
def cre_bed(species: str, request: Request) -> str:
    """EXPLAIN's merged CREs of one species, as BED (the genome browser's CRE track)."""
    text = _state(request).cre_bed(species)
    if text is None:
        raise HTTPException(404, f"no CREs for species {species!r}")
    return text


@router.get("/genes")
def genes(request: Request, prefix: str = "", limit: int = 20) -> list[str]:
    """Gene IDs of the expression dataset that start with ``prefix`` (for the search box)."""
    state = _state(request)
    names = [] if state.expression is None else state.expression.genes
    limit = max(1, min(limit, 200))
    return [g for g in names if g.startswith(prefix)][:limit]


@router.get("/motifs")
def motifs(request: Request) -> list[dict]:
    """TRAIN_TFBS's discovered motif per TF: logo, best JASPAR matches, q-values."""
    return _state(request).motifs


@router.get("/network/{gene}")
def network(gene: str, request: Request, top: int = 20) -> dict:
    """A gene's neighbours in the predicted co-expression network, best first."""
    found = _state(request).neighbours(gene, max(1, min(top, 500)))
    if found is None:
        raise HTTPException(404, "this run has no co-expression network (TRAIN_COEXPRESSION)")
    return {"gene": gene, "neighbours": found}
