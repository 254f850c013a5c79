"""Validation metrics against hand computation (definitions in metrics.py / README)."""

from __future__ import annotations

import numpy as np
import pytest

from openbeats_trainer.metrics import average_precision, average_ranks, classification_metrics, roc_auc


def test_average_precision_without_ties():
    assert average_precision(np.array([0.9, 0.8, 0.7, 0.6, 0.5]), np.array([1, 0, 1, 0, 0])) == pytest.approx(5 / 6)


def test_average_precision_groups_tied_scores():
    # thresholds 0.9: P 0 R 0; 0.7: P 1/3 R 1/2; 0.2: P 1/2 R 1 → ½·⅓ + ½·½
    assert average_precision(np.array([0.9, 0.7, 0.7, 0.2]), np.array([0, 1, 0, 1])) == pytest.approx(5 / 12)


def test_roc_auc_counts_ties_as_half():
    assert roc_auc(np.array([0.9, 0.8, 0.7, 0.6, 0.5]), np.array([1, 0, 1, 0, 0])) == pytest.approx(5 / 6)
    assert roc_auc(np.array([0.9, 0.7, 0.7, 0.2]), np.array([0, 1, 0, 1])) == pytest.approx(0.125)
    assert average_ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]


def test_undefined_metrics_are_none():
    assert average_precision(np.array([0.1, 0.2]), np.array([0, 0])) is None
    assert roc_auc(np.array([0.1, 0.2]), np.array([1, 1])) is None


def test_multi_class_metrics_hand_case():
    scores = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]])
    targets = np.eye(3)[[0, 1, 2, 1]]
    m = classification_metrics(scores, targets, ["a", "b", "c"], multi_label=False)
    assert m["accuracy"] == 0.75
    assert m["per_class"]["a"]["precision"] == 0.5 and m["per_class"]["a"]["recall"] == 1.0
    assert m["per_class"]["b"]["precision"] == 1.0 and m["per_class"]["b"]["recall"] == 0.5
    assert m["f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    # class b: scores 0.2 (−), 0.4 (+), 0.2 (−), 0.4 (+) → AP 1, AUC 1
    assert m["per_class"]["b"]["ap"] == 1.0 and m["per_class"]["b"]["roc_auc"] == 1.0
    # class a: scores .7(+) .3 .2 .5 → AP 1
    assert m["mAP"] == pytest.approx(np.mean([1.0, 1.0, 1.0]))


def test_multi_label_metrics_threshold_half_and_skip_classes_without_positives():
    scores = np.array([[0.6, 0.5, 0.1], [0.4, 0.7, 0.2], [0.8, 0.2, 0.3]])
    targets = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])
    m = classification_metrics(scores, targets, ["x", "y", "z"], multi_label=True)
    x, y, z = (m["per_class"][k] for k in "xyz")
    assert (x["tp"], x["fp"], x["fn"]) == (1, 1, 0)  # 0.6 and 0.8 pass 0.5
    assert (y["tp"], y["fp"], y["fn"]) == (1, 1, 1)  # 0.5 counts as positive (≥ 0.5)
    assert z["support"] == 0 and z["ap"] is None
    assert x["ap"] == pytest.approx(0.5)  # ranks: 0.8(−), 0.6(+)
    assert y["ap"] == pytest.approx(0.5 * 1.0 + 0.5 * (2 / 3))
    assert m["mAP"] == pytest.approx((0.5 + 0.5 + 1 / 3) / 2)
    assert "accuracy" not in m
