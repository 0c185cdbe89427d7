import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from plantreg.training.metrics import per_task_metrics


def test_per_task_auroc_and_auprc_match_sklearn():
    rng = np.random.default_rng(1)
    y = rng.random((200, 3)) < [0.2, 0.5, 0.7]
    scores = rng.random((200, 3)) + 0.5 * y
    result = per_task_metrics(y.astype(np.uint8), scores, ["a", "b", "c"])
    for j in range(3):
        assert result.auroc[j] == pytest.approx(roc_auc_score(y[:, j], scores[:, j]))
        assert result.auprc[j] == pytest.approx(average_precision_score(y[:, j], scores[:, j]))
    assert result.mean_auroc == pytest.approx(np.mean(result.auroc))
    assert list(result.n_pos) == list(y.sum(axis=0))


def test_single_class_task_is_nan_and_left_out_of_the_mean():
    rng = np.random.default_rng(2)
    y = np.zeros((50, 2), dtype=np.uint8)
    y[:, 0] = rng.random(50) < 0.4
    scores = rng.random((50, 2))
    with pytest.warns(UserWarning, match="single class.*b"):
        result = per_task_metrics(y, scores, ["a", "b"])
    assert np.isnan(result.auroc[1]) and np.isnan(result.auprc[1])
    assert result.undefined == ["b"]
    assert result.mean_auroc == pytest.approx(roc_auc_score(y[:, 0], scores[:, 0]))
    assert result.mean_auprc == pytest.approx(average_precision_score(y[:, 0], scores[:, 0]))


def test_continuous_labels_are_positive_from_one_half():
    y = np.array([0.0, 0.2, 0.5, 0.9])
    scores = np.array([0.1, 0.2, 0.3, 0.4])
    assert per_task_metrics(y, scores).auroc[0] == pytest.approx(1.0)
