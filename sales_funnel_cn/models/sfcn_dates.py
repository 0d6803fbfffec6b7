"""Local periods (a rep's day, a week from Monday) as naive UTC datetimes, from ``odoo.tools.date_utils``."""
from datetime import datetime

import pytz

from odoo.tools import date_utils


def local_period_utc(tz_name, granularity="day"):
    """(start, end) of the current ``granularity`` ("day", "week": Monday to Monday, ...) in the time zone
    ``tz_name`` (a user's; UTC when empty), as naive UTC datetimes like the stored ones."""
    tz = pytz.timezone(tz_name or "UTC")
    start = date_utils.start_of(datetime.now(tz).replace(tzinfo=None), granularity)
    end = date_utils.add(start, **{f"{granularity}s": 1})
    return tuple(tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None) for moment in (start, end))
