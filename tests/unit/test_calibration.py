"""The answer-or-refuse model: fitted weights separate the classes and survive a round trip."""

from __future__ import annotations

from assistant.answering.calibration import FEATURES, RefusalModel, fit


def _row(answerable: bool, i: int) -> dict[str, float]:
    base = dict.fromkeys(FEATURES, 0.0)
    if answerable:
        base.update(best_score=0.6 + 0.01 * (i % 5), missing_share=0.0, best_coverage=0.8)
    else:
        base.update(best_score=0.3 + 0.01 * (i % 5), missing_share=0.8, missing_count=2.0)
    return base


def test_fit_answers_the_answerable_and_refuses_the_rest(tmp_path):
    rows = [_row(i % 3 != 0, i) for i in range(60)]
    labels = [int(i % 3 != 0) for i in range(60)]
    model = fit(rows, labels)
    assert model.answers(_row(True, 1)) and not model.answers(_row(False, 1))
    path = tmp_path / "model.json"
    import json

    path.write_text(json.dumps(model.to_json()))
    loaded = RefusalModel.load(path)
    assert loaded is not None
    assert abs(loaded.probability(_row(True, 2)) - model.probability(_row(True, 2))) < 1e-9


def test_a_model_fitted_on_other_signals_is_not_used(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(
        '{"features": ["something else"], "weights": {}, "bias": 0, '
        '"threshold": 0.5, "mean": {}, "scale": {}}'
    )
    assert RefusalModel.load(path) is None
    assert RefusalModel.load(tmp_path / "missing.json") is None
