"""Safe by default: readable 422s, a size limit, no CORS, no path or trace in a response, and
nothing served from outside the run's files (path traversal tried every way we know)."""

from __future__ import annotations

import pytest

from plantreg.errors import InputError
from plantreg.serve.app import ServeSettings, create_app
from tests.serve.conftest import served

TRAVERSALS = [
    "/files/../../../../etc/passwd",
    "/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/files/..%2f..%2f..%2fetc%2fpasswd",
    "/files//etc/passwd",
    "/files/reference/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/files/%2fetc%2fpasswd",
    "/..%2f..%2f..%2fpyproject.toml",
    "/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/../app.py",
    "/static/../app.py",
    "/files/pipeline_info/params.yaml",
    "/files/train_expression/model/model.pt",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_file_outside_the_catalogue(client, url):
    response = client.get(url)
    assert response.status_code == 404, url
    assert b"root:" not in response.content and b"[project]" not in response.content
    assert b"import" not in response.content


@pytest.mark.parametrize("body, field", [
    ({"sequence": "ACGTXACGT"}, "position 5"),
    ({"sequence": ""}, "empty"),
    ({"sequence": "ACGT", "gene": "g1"}, "either"),
    ({}, "either"),
    ({"sequence": "ACGT", "model": "dna"}, "model"),
    ({"sequence": "ACGT", "pad": "middle"}, "pad"),
])
def test_bad_requests_are_readable_422s(client, body, field):
    response = client.post("/api/predict", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and field in detail
    assert "Traceback" not in detail


def test_too_long_and_unknown(client):
    info = client.get("/api/info").json()
    too_long = client.post("/api/predict", json={"sequence": "A" * (info["expression"]["length"]
                                                                     + 1)})
    assert too_long.status_code == 422 and "reads" in too_long.json()["detail"]
    assert client.post("/api/predict", json={"gene": "no_such_gene"}).status_code == 404
    assert client.post("/api/explain/ig", json={"gene": "x"}).status_code == 422
    broken = client.post("/api/predict", content=b"{not json",
                         headers={"Content-Type": "application/json"})
    assert broken.status_code == 422


def test_request_size_limit(bundled_run):
    with served(bundled_run, max_request_bytes=2048) as small:
        big = small.post("/api/predict", json={"sequence": "A" * 5000})
        assert big.status_code == 413
        chunked = small.post("/api/predict", content=iter([b'{"sequence": "', b"A" * 3000,
                                                           b'"}']),
                             headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413
        assert small.post("/api/predict", json={"sequence": "A" * 100}).status_code == 422


def test_no_cors_unless_asked(client, bundled_run):
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/api/info", headers=origin).headers
    with served(bundled_run, cors_origins=("https://elsewhere.example",)) as open_client:
        headers = open_client.get("/api/info", headers=origin).headers
        assert headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_errors_carry_no_path_or_trace(bundled_run):
    with served(bundled_run, raise_server_exceptions=False) as app_client:
        state = app_client.app.state.plantreg

        def broken(_codes):
            raise RuntimeError(f"failed reading {bundled_run}/secret")

        state.expression.predict = broken
        response = app_client.post("/api/predict", json={"gene": next(iter(
            state.expression.genes))})
        assert response.status_code == 500
        assert str(bundled_run) not in response.text and "Traceback" not in response.text


def test_missing_results_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="results folder not found"):
        create_app(ServeSettings(results=tmp_path / "nothing"))


def test_missing_params_file_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="parameters file not found"):
        create_app(ServeSettings(results=tmp_path, params=tmp_path / "params.yaml"))


def test_empty_results_folder_serves_an_empty_page(tmp_path):
    with served(tmp_path) as empty:
        assert empty.get("/api/info").json()["expression"] is None
        assert empty.get("/api/tracks").json() == []
        response = empty.post("/api/predict", json={"sequence": "ACGT"})
        assert response.status_code == 404 and "TRAIN_EXPRESSION" in response.json()["detail"]


@pytest.mark.parametrize("text", ["{not json", '{"method": "ism"}', '{"threshold": 0.2}'])
def test_malformed_run_threshold_is_one_clear_error(tmp_path, text):
    """EXPLAIN's threshold.json sets the live CREs: a damaged one stops start-up with its path,
    rather than serving CREs at another cut."""
    path = tmp_path / "explain" / "cre" / "threshold.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(InputError, match="not a threshold file") as error:
        create_app(ServeSettings(results=tmp_path))
    assert str(path) in str(error.value)
