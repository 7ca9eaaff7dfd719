"""Performance-informed flags on a budget request (indicators/methodology.py).

Each check returns a tidy frame, one row per flag, with the columns of :data:`FLAG_COLUMNS`:
``kind`` (a key of :data:`FLAG_MESSAGES`), ``key`` (the programme, indicator or province
flagged), ``value`` (the figure that raised the flag) and ``limit`` (what it was held against).
Pages render the words with :func:`describe_flags`, in English or Khmer.
"""

from __future__ import annotations

import pandas as pd

from indicators._numeric import divide, to_float
from indicators._text import khmer_digits, percent

LOW_COMPLETENESS = 0.8
FLAG_COLUMNS = ("kind", "key", "value", "limit")
FLAG_MESSAGES = {
    "asks_more_while_off_track": {
        "en": "Programme {key} asks for {value} KHR, more than its revised {limit} KHR, "
              "while its indicators are off track.",
        "km": "កម្មវិធី {key} ស្នើសុំ {value} រៀល លើសឥណទានកែសម្រួល {limit} រៀល "
              "ខណៈសូចនាកររបស់ខ្លួនមិនតាមគោលដៅ។",
    },
    "target_unfundable": {
        "en": "The target of {key} ({value}) cannot be funded by the requested budget at the "
              "observed unit cost, which pays for {limit}.",
        "km": "គោលដៅនៃ {key} ({value}) មិនអាចផ្តល់មូលនិធិដោយថវិកាដែលស្នើសុំ តាមថ្លៃឯកតាដែលបានសង្កេតឡើយ "
              "ដែលគ្រប់គ្រាន់សម្រាប់តែ {limit}។",
    },
    "low_completeness": {
        "en": "Province {key} has sent {value} of its expected reports (below {limit}): its "
              "figures are partial.",
        "km": "ខេត្ត {key} បានផ្ញើរបាយការណ៍ {value} នៃរបាយការណ៍ដែលរំពឹងទុក (ទាបជាង {limit})៖ "
              "តួលេខរបស់ខេត្តមិនទាន់ពេញលេញ។",
    },
}


def _flags(kind: str, key: pd.Series, value: pd.Series, limit: pd.Series | float) -> pd.DataFrame:
    frame = pd.DataFrame({"key": key.to_numpy(), "value": to_float(value).to_numpy()})
    frame.insert(0, "kind", kind)
    frame["limit"] = limit.to_numpy() if isinstance(limit, pd.Series) else float(limit)
    return frame.astype({"kind": "object", "key": "object", "value": "float64", "limit": "float64"})


def flag_asking_more_while_off_track(programmes: pd.DataFrame, *, key: str = "programme") -> pd.DataFrame:
    """Programmes that request more than their current revised allocation while off track.

    ``programmes`` has the ``key`` column, ``requested``, ``revised`` and ``status`` (the
    programme's achievement status, see :func:`status`). Flagged when requested > revised and
    status is ``off_track``; ``value`` is the request, ``limit`` the revised allocation.
    """
    requested, revised = to_float(programmes["requested"]), to_float(programmes["revised"])
    hit = (requested > revised) & (programmes["status"] == "off_track")
    return _flags("asks_more_while_off_track", programmes.loc[hit, key], requested[hit], revised[hit])


def flag_unfundable_targets(targets: pd.DataFrame, *, key: str = "indicator") -> pd.DataFrame:
    """Targets that the requested budget cannot fund at the observed unit cost.

    ``targets`` has the ``key`` column, ``requested`` (riels requested for the indicator's
    activities), ``unit_cost`` (see :func:`unit_cost`) and ``target``. Fundable output =
    requested ÷ unit cost; flagged when fundable output < target. Without a usable unit cost
    (0, negative or missing) nothing can be judged, so nothing is flagged. ``value`` is the
    target, ``limit`` the fundable output.
    """
    fundable = divide(targets["requested"], targets["unit_cost"], positive=True)
    target = to_float(targets["target"])
    hit = fundable < target
    return _flags("target_unfundable", targets.loc[hit, key], target[hit], fundable[hit])


def flag_low_completeness(completeness: pd.Series, threshold: float = LOW_COMPLETENESS) -> pd.DataFrame:
    """Provinces whose data completeness (a Series indexed by province) is below ``threshold``
    (80 %): their figures, and the request built on them, rest on partial data. A province
    with nothing expected (NaN) is not flagged. ``value`` is the completeness, ``limit`` the
    threshold.
    """
    share = to_float(completeness)
    hit = share < threshold
    return _flags("low_completeness", pd.Series(share.index[hit]), share[hit], threshold)


def budget_request_flags(
    programmes: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    completeness: pd.Series | None = None,
    *,
    threshold: float = LOW_COMPLETENESS,
) -> pd.DataFrame:
    """All the flags on a budget request, from whichever of the three inputs are given, in one frame."""
    frames = [
        flag_asking_more_while_off_track(programmes) if programmes is not None else None,
        flag_unfundable_targets(targets) if targets is not None else None,
        flag_low_completeness(completeness, threshold) if completeness is not None else None,
    ]
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return _flags("", pd.Series([], dtype="object"), pd.Series([], dtype="float64"), 0.0)
    return pd.concat(frames, ignore_index=True)


def _count(value: float) -> str:
    return f"{value:,.0f}"


# How each kind's value and limit are written: riels and units as whole numbers, shares as per cent.
_FORMATS = {"asks_more_while_off_track": _count, "target_unfundable": _count, "low_completeness": percent}


def describe_flags(flags: pd.DataFrame, lang: str = "en") -> pd.Series:
    """One sentence per flag in ``lang`` (``en`` or ``km``; Khmer numbers in Khmer digits)."""
    lang = "km" if lang == "km" else "en"
    # Only the numbers change script: codes such as ``P1.2`` stay as they are in the data.
    digits = khmer_digits if lang == "km" else str
    sentences = [
        FLAG_MESSAGES[row.kind][lang].format(
            key=row.key, value=digits(_FORMATS[row.kind](row.value)), limit=digits(_FORMATS[row.kind](row.limit))
        )
        for row in flags.itertuples(index=False)
    ]
    return pd.Series(sentences, index=flags.index, dtype="object", name="message")
