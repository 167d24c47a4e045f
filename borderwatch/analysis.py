"""Charts of the stored counts. Measures against the border are in :mod:`borderwatch.borderzone`."""

from __future__ import annotations

import numpy as np
import pandas as pd


def monthly_timeline(counts: pd.DataFrame) -> pd.DataFrame:
    """Turn the store's counts per month and type into a chartable timeline.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``event_month`` (months since January 1970), ``event_type``,
        ``incidents``, ``deaths``, as
        ``IncidentStore.aggregate(..., by=("event_month", "event_type"))`` returns them.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (first day of the month), ``event_type``,
        ``incidents`` and ``deaths``; months without incidents are absent.
    """
    months = counts["event_month"].to_numpy(dtype=np.int64).astype("datetime64[M]").astype("datetime64[ns]")
    return pd.DataFrame(
        {"month": months, "event_type": counts["event_type"].astype(str).to_numpy(),
         "incidents": counts["incidents"].astype(int).to_numpy(), "deaths": counts["deaths"].astype(int).to_numpy()}
    )
