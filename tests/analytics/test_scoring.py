"""Entity scores from indicator rows, computed by hand on a small table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from arusha.analytics.indicators.base import first_appearance, rows, sort_codes
from arusha.analytics.scoring import score_entities


def _indicators() -> pd.DataFrame:
    """Rows of three officers and one pair, interleaved; "A" is an officer at two offices (two
    entities) and also a declarant (a third); one row was not computed (value NaN)."""
    return rows(
        entity_kind=["officer", "officer", "pair", "officer", "declarant", "officer", "officer"],
        entity_id=["A", "A", "A|B", "A", "A", "C", "C"],
        office_id=["O1", "O2", "O1", "O1", "", "O1", "O1"],
        indicator=[
            "downgrades",
            "downgrades",
            "pair_excess",
            "red_detection",
            "benford",
            "downgrades",
            "red_detection",
        ],
        value=[0.4, 0.1, 12.0, 0.2, 0.3, np.nan, 0.5],
        expected=0.1,
        p_value=0.01,
        q_value=0.02,
        flagged=[True, False, True, False, False, False, True],
        explanation=[
            "A downgrades at O1",
            "A downgrades at O2",
            "A and B",
            "A detects at O1",
            "A digits",
            "C not computed",
            "C detects",
        ],
        wording="[]",
        n=100,
        z=[2.5, -1.0, 14.0, 1.5, 0.5, np.nan, 3.0],
    )


def test_scores_add_each_entitys_positive_z_capped_at_ten() -> None:
    entities = score_entities(_indicators())
    by_key = entities.set_index(["entity_kind", "entity_id", "office_id"])
    assert len(entities) == 5  # officer A at O1 and at O2, officer C, declarant A, the pair
    a1 = by_key.loc[("officer", "A", "O1")]
    assert a1["score"] == 4.0  # 2.5 + 1.5
    assert (a1["flags"], a1["indicators"]) == (1, 2)
    assert (a1["downgrades"], a1["red_detection"]) == (2.5, 1.5)
    assert a1["top_reason"] == "A downgrades at O1"
    assert a1["top_indicator"] == "downgrades"
    a2 = by_key.loc[("officer", "A", "O2")]
    assert a2["score"] == 0.0  # a reassuring z adds nothing
    assert a2["top_reason"] == ""  # and gives no reason
    c = by_key.loc[("officer", "C", "O1")]
    assert (c["score"], c["indicators"]) == (3.0, 1)  # the row not computed does not count
    assert np.isnan(c["downgrades"])
    assert c["top_reason"] == "C detects"
    assert by_key.loc[("pair", "A|B", "O1"), "score"] == 10.0  # capped
    assert by_key.loc[("declarant", "A", ""), "score"] == 0.5


def test_entities_are_ranked_within_their_kind() -> None:
    entities = score_entities(_indicators())
    officers = entities[entities["entity_kind"] == "officer"]
    assert list(zip(officers["entity_id"], officers["office_id"], strict=True)) == [
        ("A", "O1"),
        ("C", "O1"),
        ("A", "O2"),
    ]
    assert list(officers["rank"]) == [1, 2, 3]
    assert list(entities["entity_kind"]) == ["declarant", "officer", "officer", "officer", "pair"]
    assert list(entities.columns[-3:]) == ["top_reason", "top_indicator", "top_wording"]
    indicator_columns = ["benford", "downgrades", "pair_excess", "red_detection"]
    assert list(entities.columns[7:-3]) == indicator_columns


def test_entities_do_not_depend_on_the_order_of_the_rows() -> None:
    indicators = _indicators()
    shuffled = indicators.sample(frac=1, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(score_entities(shuffled), score_entities(indicators))


def test_sort_codes_order_texts_as_python_does_missing_last() -> None:
    texts = np.array(["b", "", "Zé", None, "a|c", "ab|c", "b", "Z", "é", np.nan], dtype=object)
    codes = sort_codes(texts)
    present = [t for t in texts if isinstance(t, str)]
    assert [texts[i] for i in np.argsort(codes, kind="stable")][: len(present)] == sorted(present)
    assert codes[1] < codes[5] < codes[4]  # "" < "ab|c" < "a|c": "b" comes before "|"
    assert codes[0] == codes[6]  # equal texts, equal codes
    assert codes[3] == codes[9] == codes.max()  # missing values last
    assert (np.delete(codes, [3, 9]) < codes[3]).all()


def test_first_appearance_numbers_rows_as_pandas_groups_them() -> None:
    frame = pd.DataFrame(
        {
            "kind": ["a", "b", "a", None, "a", None, "b"],
            "id": ["x", "x", "x", "y", np.nan, "y", "x"],
            "office": ["1", "1", "2", "1", "1", "1", "1"],
        },
        dtype=object,
    )
    expected = frame.groupby(["kind", "id", "office"], sort=False, dropna=False).ngroup()
    assert list(first_appearance(frame, ["kind", "id", "office"])) == list(expected)
    assert list(expected) == [0, 1, 2, 3, 4, 3, 1]
