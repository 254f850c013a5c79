"""Validation metrics. Definitions (README "Metrics") are shared with the app's TypeScript code:

- AP per class: scores sorted descending, ties grouped into one threshold; AP = Σ (Rₖ − Rₖ₋₁)·Pₖ
  over the distinct thresholds (no interpolation); undefined (null) without positives.
- ROC-AUC per class: P(score⁺ > score⁻) + ½·P(tie) (Mann–Whitney with average ranks); undefined
  without positives or without negatives.
- Decisions: multi-label → score ≥ 0.5; multi-class → argmax (first maximum wins).
  precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R); 0 when a denominator is 0.
- Macro values (mAP, roc_auc, precision, recall, f1) average the defined per-class values of
  classes with at least one positive; accuracy (multi-class) = fraction with argmax = label."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np


def average_precision(scores: np.ndarray, positive: np.ndarray) -> Optional[float]:
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive).astype(bool)
    total = int(positive.sum())
    if total == 0:
        return None
    order = np.argsort(-scores, kind="mergesort")
    sorted_scores, hits = scores[order], positive[order]
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    ends = np.r_[np.nonzero(np.diff(sorted_scores))[0], len(sorted_scores) - 1]
    tp, fp = tp[ends], fp[ends]
    precision = tp / (tp + fp)
    recall = tp / total
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their mean rank."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    ranks = np.empty(len(values), dtype=np.float64)
    starts = np.r_[0, np.nonzero(np.diff(sorted_values))[0] + 1]
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends):
        ranks[order[start:end]] = (start + 1 + end) / 2.0
    return ranks


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> Optional[float]:
    positive = np.asarray(positive).astype(bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = average_ranks(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0


def _mean(values: List[Optional[float]]) -> Optional[float]:
    defined = [v for v in values if v is not None]
    return float(np.mean(defined)) if defined else None


def classification_metrics(scores: np.ndarray, targets: np.ndarray, labels: List[str], multi_label: bool,
                           threshold: float = 0.5) -> Dict[str, Any]:
    """`scores` [n, C] probabilities (sigmoid or softmax), `targets` [n, C] in {0, 1}."""
    scores = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(targets) > 0.5
    n, classes = scores.shape
    if multi_label:
        decided = scores >= threshold
    else:
        decided = np.zeros_like(truth)
        if n:
            decided[np.arange(n), np.argmax(scores, axis=1)] = True
    per_class: Dict[str, Dict[str, Any]] = {}
    for c, label in enumerate(labels):
        tp = int(np.sum(decided[:, c] & truth[:, c]))
        fp = int(np.sum(decided[:, c] & ~truth[:, c]))
        fn = int(np.sum(~decided[:, c] & truth[:, c]))
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        per_class[label] = {
            "ap": average_precision(scores[:, c], truth[:, c]),
            "roc_auc": roc_auc(scores[:, c], truth[:, c]),
            "precision": precision, "recall": recall, "f1": _ratio(2 * precision * recall, precision + recall),
            "support": int(truth[:, c].sum()), "tp": tp, "fp": fp, "fn": fn,
        }
    present = [per_class[label] for label in labels if per_class[label]["support"] > 0]
    out: Dict[str, Any] = {
        "n": n,
        "mAP": _mean([m["ap"] for m in present]),
        "roc_auc": _mean([m["roc_auc"] for m in present]),
        "precision": _mean([m["precision"] for m in present]),
        "recall": _mean([m["recall"] for m in present]),
        "f1": _mean([m["f1"] for m in present]),
        "per_class": per_class,
    }
    if not multi_label:
        out["accuracy"] = float(np.mean(np.argmax(scores, axis=1) == np.argmax(truth, axis=1))) if n else None
    return out
