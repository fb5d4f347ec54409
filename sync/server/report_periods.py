"""Disposition outcomes over time: value recovered and landfill diversion by period and site.

Both read the disposition report's per-site, per-day sums (sync.server.disposals) through
`reports.totals_by_day` and add the days up into days, ISO weeks (Monday first) or months, all
UTC: a read costs the days and sites in the window, never the size of the log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from assets.disposition import DIVERTED_OUTCOMES, landfill_diversion
from sync.errors import BadRequest
from sync.protocol import (
    DiversionLine,
    DiversionReport,
    MoneyTotal,
    RecoveryLine,
    RecoveryReport,
    ReportPeriod,
)
from sync.server.disposals import Totals
from sync.server.reports import FRACTION, GRAM, Window, totals_by_day

EPOCH = date(1970, 1, 1)


def _day(day: int) -> date:
    return EPOCH + timedelta(days=day)


def _week(day: int) -> date:
    d = _day(day)
    return d - timedelta(days=d.weekday())


def _month(day: int) -> date:
    return _day(day).replace(day=1)


PERIODS: dict[str, Callable[[int], date]] = {"day": _day, "week": _week, "month": _month}


def period_start(period: str) -> Callable[[int], date]:
    found = PERIODS.get(period)
    if found is None:
        raise BadRequest(f"period '{period[:20]}' is not one of {', '.join(PERIODS)}")
    return found


def _by_period(
    conn: Connection, site: str | None, window: Window, period: str
) -> dict[tuple[date, str], Totals]:
    start = period_start(period)
    grouped: dict[tuple[date, str], Totals] = {}
    for (site_name, day), totals in totals_by_day(conn, site, window).items():
        grouped.setdefault((start(day), site_name), Totals()).add(totals)
    return grouped


def _site(text: str | None) -> str | None:
    return text.strip().upper() if text and text.strip() else None


def recovery_report(
    conn: Connection, period: ReportPeriod, site: str | None, window: Window
) -> RecoveryReport:
    site = _site(site)
    lines: list[RecoveryLine] = []
    overall: dict[str, Decimal] = {}
    for (start, site_name), totals in sorted(_by_period(conn, site, window, period).items()):
        money: dict[str, tuple[int, Decimal]] = {}
        for sums in totals.outcomes.values():
            for currency, (n, amount) in sums.value.items():
                had_n, had = money.get(currency, (0, Decimal(0)))
                money[currency] = (had_n + n, had + amount)
        for currency, (n, amount) in sorted(money.items()):
            lines.append(
                RecoveryLine(
                    period=start.isoformat(),
                    site=site_name or None,
                    currency=currency,
                    assets=n,
                    amount=amount,
                )
            )
            overall[currency] = overall.get(currency, Decimal(0)) + amount
    return RecoveryReport(
        period=period,
        site=site,
        since=window.since_iso,
        until=window.until_iso,
        lines=lines,
        totals=[MoneyTotal(currency=c, amount=a) for c, a in sorted(overall.items())],
    )


def _weights(totals: Totals) -> tuple[Decimal, Decimal]:
    retired = sum((o.weight_kg for o in totals.outcomes.values()), Decimal(0))
    diverted = sum(
        (o.weight_kg for n, o in totals.outcomes.items() if n in DIVERTED_OUTCOMES), Decimal(0)
    )
    return retired, diverted


def _share(diverted: Decimal, retired: Decimal) -> Decimal | None:
    share = landfill_diversion(diverted, retired)
    return None if share is None else share.quantize(FRACTION)


def diversion_report(
    conn: Connection, period: ReportPeriod, site: str | None, window: Window
) -> DiversionReport:
    site = _site(site)
    lines: list[DiversionLine] = []
    all_retired, all_diverted = Decimal(0), Decimal(0)
    for (start, site_name), totals in sorted(_by_period(conn, site, window, period).items()):
        retired, diverted = _weights(totals)
        all_retired += retired
        all_diverted += diverted
        lines.append(
            DiversionLine(
                period=start.isoformat(),
                site=site_name or None,
                assets=totals.assets,
                weighed=sum(o.weighed for o in totals.outcomes.values()),
                weight_retired_kg=retired.quantize(GRAM),
                weight_diverted_kg=diverted.quantize(GRAM),
                landfill_diversion=_share(diverted, retired),
            )
        )
    return DiversionReport(
        period=period,
        site=site,
        since=window.since_iso,
        until=window.until_iso,
        lines=lines,
        weight_retired_kg=all_retired.quantize(GRAM),
        weight_diverted_kg=all_diverted.quantize(GRAM),
        landfill_diversion=_share(all_diverted, all_retired),
    )
