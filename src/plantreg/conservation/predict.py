"""Score example pairs with one trained network (probabilities, float32, in example order)."""

from __future__ import annotations

import numpy as np
import torch

from .store import FeatureStore
from .train import load_network

BATCH = 16_384


@torch.no_grad()
def predict_examples(
    checkpoint, store_a: FeatureStore, store_b: FeatureStore, examples: np.ndarray
) -> np.ndarray:
    model, (scale_a, scale_b) = load_network(checkpoint, store_a, store_b)
    store_a.check_rows(examples[:, 0], "the examples")
    store_b.check_rows(examples[:, 1], "the examples")
    out = np.empty(len(examples), dtype=np.float32)
    for lo in range(0, len(examples), BATCH):
        rows = examples[lo : lo + BATCH]
        xa = torch.from_numpy(store_a.dense(rows[:, 0], scale_a))
        xb = torch.from_numpy(store_b.dense(rows[:, 1], scale_b))
        out[lo : lo + BATCH] = torch.sigmoid(model(xa, xb)).numpy()
    return out
