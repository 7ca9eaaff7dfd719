"""Data completeness per province."""

from __future__ import annotations

import numpy as np

from indicators._numeric import Values, divide, is_scalar

LOW_COMPLETENESS = 0.8  # below this share of expected reports, a province's figures are partial


def completeness(received: Values, expected: Values) -> Values:
    """Data completeness = reports received ÷ reports expected for the period, at most 1.

    Nothing expected (0 or missing) gives NaN. Received beyond expected (a corrected file
    counted twice, an extra unit) cannot make a province more than complete, hence the clip.
    """
    share = divide(received, expected, positive=True)
    if is_scalar(share):
        return share if np.isnan(share) else min(share, 1.0)
    return share.clip(upper=1.0)
