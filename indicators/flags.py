"""Performance-informed flags on a budget request (DESIGN section 5)."""

from __future__ import annotations

import pandas as pd

LOW_COMPLETENESS = 0.8
FLAG_COLUMNS = ["kind", "key", "detail"]


def flag_asking_more_while_off_track(programmes: pd.DataFrame) -> pd.DataFrame:
    """Programmes whose request exceeds their current revised budget while off track.

    ``programmes`` has ``programme``, ``requested``, ``revised`` and ``status``.
    """
    hit = programmes[(programmes["requested"] > programmes["revised"])
                     & (programmes["status"] == "off_track")]
    return pd.DataFrame({
        "kind": "more_while_off_track",
        "key": hit["programme"],
        "detail": (hit["requested"] - hit["revised"]),
    }, columns=FLAG_COLUMNS).reset_index(drop=True)


def flag_unfundable_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets that the requested budget cannot fund at the observed unit cost.

    ``targets`` has ``indicator``, ``requested`` (riels for its activities), ``unit_cost`` and
    ``target``; fundable output = requested ÷ unit cost. ``detail`` is the shortfall in units.
    """
    fundable = targets["requested"] / targets["unit_cost"].where(targets["unit_cost"] > 0)
    hit = targets[fundable < targets["target"]]
    return pd.DataFrame({
        "kind": "unfundable_target",
        "key": hit["indicator"],
        "detail": hit["target"] - fundable[hit.index],
    }, columns=FLAG_COLUMNS).reset_index(drop=True)


def flag_low_completeness(completeness: pd.Series, threshold: float = LOW_COMPLETENESS) -> pd.DataFrame:
    """Provinces whose data completeness is below ``threshold`` (80 %): their figures are partial."""
    hit = completeness[completeness < threshold]
    return pd.DataFrame({"kind": "low_completeness", "key": hit.index, "detail": hit.to_numpy()},
                        columns=FLAG_COLUMNS).reset_index(drop=True)
