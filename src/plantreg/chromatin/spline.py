"""A fixed cubic B-spline basis over positions, as in Sei: it pools a (channels × positions) map
into (channels × df) smooth position-weighted summaries with no learned weights."""

from __future__ import annotations

import numpy as np
import torch
from scipy.interpolate import BSpline


def bspline_basis(n_positions: int, df: int, degree: int = 3) -> np.ndarray:
    """(n_positions, df) basis with an intercept; inner knots at evenly spaced quantiles."""
    if df < degree + 1:
        raise ValueError(f"spline df {df} is below degree + 1 = {degree + 1}")
    if n_positions < 2:
        raise ValueError(f"need at least 2 positions for a spline basis, got {n_positions}")
    x = np.arange(n_positions, dtype=np.float64)
    n_inner = df - degree - 1
    inner = np.percentile(x, np.linspace(0, 100, n_inner + 2)[1:-1])
    knots = np.concatenate([[x[0]] * (degree + 1), inner, [x[-1]] * (degree + 1)])
    basis = BSpline.design_matrix(x, knots, degree).toarray()
    return basis.astype(np.float32)


class BSplinePool(torch.nn.Module):
    """``(B, C, P) → (B, C, df)`` by a fixed basis (a buffer, not saved: it follows the config)."""

    def __init__(self, n_positions: int, df: int) -> None:
        super().__init__()
        self.n_positions = n_positions
        self.df = df
        self.register_buffer(
            "basis", torch.from_numpy(bspline_basis(n_positions, df)), persistent=False
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.basis.to(x.dtype))
