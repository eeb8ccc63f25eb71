"""Each report as the screen and its CSV show it: headline figures, charts and tables of text.

The page and the CSV download are made from the same `ReportPage`: the CSV holds the headline
figures and every table, cell for cell as on the screen (the charts draw the same figures).
Amounts in tables are plain numbers with the currency in the column heading, so a spreadsheet
reads them as numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.safestring import SafeString

from littlelemon.core.money import format_money

from . import charts, selectors
from .selectors import Durations, ReportRange


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    row_headers: bool = True  # the first cell of each row names it (a <th scope="row">)
    numbers_from: int = 1  # the columns from this one on are figures (aligned right)


@dataclass(frozen=True)
class ReportPage:
    slug: str
    title: str
    period: ReportRange
    summary: list[tuple[str, str]] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _day(day: date) -> str:
    return day.isoformat()


def _day_short(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _minutes(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 60:.1f}"


def _minutes_label(value: timedelta | None) -> str:
    return "–" if value is None else f"{value.total_seconds() / 60:.1f} min"


def sales_page(period: ReportRange, currency: str) -> ReportPage:
    report = selectors.sales_report(period)
    money = f"({currency})"
    chart = charts.bar_chart(
        chart_id="chart-sales",
        title="Sales by day",
        description=f"Sales (tax and tips included) for each day from {period.start} to {period.end}, "
        "in the restaurant's time zone. The same figures are in the table 'Sales by day' below.",
        bars=[
            charts.Bar(label=_day_short(day.day), value=day.sales, text=format_money(day.sales, currency))
            for day in report.days
        ],
        x_label="Day",
        y_label=f"Sales {money}",
        y_format=lambda value: f"{value:,.0f}",
    )
    shares = [("Fulfilment", share) for share in report.by_fulfilment] + [
        ("Payment method", share) for share in report.by_payment_method
    ]
    return ReportPage(
        slug="sales",
        title="Sales",
        period=period,
        summary=[
            ("Sales", format_money(report.sales, currency)),
            ("Orders", str(report.orders)),
            ("Average ticket", format_money(report.average_ticket, currency) if report.average_ticket else "–"),
            ("Tips", format_money(report.tips, currency)),
            ("Tax", format_money(report.tax, currency)),
        ],
        charts=[chart],
        tables=[
            Table(
                caption="Sales by day",
                headers=["Day", "Orders", f"Sales {money}", f"Tax {money}", f"Tips {money}"],
                rows=[
                    [_day(day.day), str(day.orders), _amount(day.sales), _amount(day.tax), _amount(day.tips)]
                    for day in report.days
                ]
                + [
                    [
                        "Total",
                        str(report.orders),
                        _amount(report.sales),
                        _amount(report.tax),
                        _amount(report.tips),
                    ]
                ],
            ),
            Table(
                caption="Sales by fulfilment and payment method",
                headers=["By", "Kind", "Orders", f"Sales {money}"],
                numbers_from=2,
                rows=[[by, share.label, str(share.orders), _amount(share.sales)] for by, share in shares],
            ),
        ],
        notes=[
            "Sales are the payments ledger's money: captured minus refunded, tax and tips included, "
            "a payment on the day it was taken (online, or when the driver or the counter collected "
            "it), a refund on its own day. Orders, tax and tips are those of the orders paid that "
            "day and not refunded in full; the average ticket is sales per order."
        ],
    )


def dishes_page(period: ReportRange, currency: str) -> ReportPage:
    report = selectors.top_dishes(period)
    money = f"({currency})"

    def table(caption: str, dishes: list[selectors.DishFigures]) -> Table:
        return Table(
            caption=caption,
            headers=["Rank", "Dish", "Quantity", f"Revenue {money}"],
            numbers_from=2,
            rows=[
                [str(rank), dish.title, str(dish.quantity), _amount(dish.revenue)]
                for rank, dish in enumerate(dishes, start=1)
            ],
        )

    return ReportPage(
        slug="dishes",
        title="Top dishes",
        period=period,
        charts=[
            charts.horizontal_bar_chart(
                chart_id="chart-dishes-quantity",
                title="Top dishes by quantity",
                description="The dishes sold most often in the range, by the number of portions. "
                "The same figures are in the table 'Top dishes by quantity' below.",
                bars=[
                    charts.Bar(label=dish.title, value=dish.quantity, text=str(dish.quantity))
                    for dish in report.by_quantity
                ],
                x_label="Portions sold",
                y_label="Dish",
            ),
            charts.horizontal_bar_chart(
                chart_id="chart-dishes-revenue",
                title="Top dishes by revenue",
                description="The dishes that brought in the most, by the order lines' totals before tax. "
                "The same figures are in the table 'Top dishes by revenue' below.",
                bars=[
                    charts.Bar(label=dish.title, value=dish.revenue, text=format_money(dish.revenue, currency))
                    for dish in report.by_revenue
                ],
                x_label=f"Revenue {money}",
                y_label="Dish",
            ),
        ],
        tables=[table("Top dishes by quantity", report.by_quantity), table("Top dishes by revenue", report.by_revenue)],
        notes=[
            "Dishes are named as they were sold; revenue is the order lines' totals (before tax, "
            "without delivery fees and tips) of the orders paid in the range and not refunded in full."
        ],
        summary=[],
    )


def hours_page(period: ReportRange, currency: str) -> ReportPage:
    report = selectors.orders_by_hour(period)
    return ReportPage(
        slug="hours",
        title="Orders by hour of the week",
        period=period,
        summary=[("Orders", str(report.total)), ("Busiest hour", str(report.busiest))],
        charts=[
            charts.heat_map(
                chart_id="chart-hours",
                title="Orders by hour of the week",
                description="The paid orders of the range by the weekday and hour they were placed "
                "(local time): a darker square is a busier hour. The same figures are in the table below.",
                counts=report.counts,
            )
        ],
        tables=[
            Table(
                caption="Orders by hour of the week",
                headers=["Day", *(f"{hour:02d}" for hour in range(24))],
                rows=[
                    [name, *(str(count) for count in row)]
                    for name, row in zip(charts.WEEKDAYS, report.counts, strict=True)
                ],
            )
        ],
        notes=["Orders are counted at the local hour they were placed."],
    )


def _durations_row(name: str, durations: Durations) -> list[str]:
    return [name, str(durations.count), _minutes(durations.median), _minutes(durations.p90)]


def times_page(period: ReportRange, currency: str) -> ReportPage:
    report = selectors.service_times(period)
    return ReportPage(
        slug="times",
        title="Preparation and delivery times",
        period=period,
        summary=[
            ("Preparation, median", _minutes_label(report.preparation.median)),
            ("Preparation, 90th percentile", _minutes_label(report.preparation.p90)),
            ("Delivery, median", _minutes_label(report.delivery.median)),
            ("Delivery, 90th percentile", _minutes_label(report.delivery.p90)),
        ],
        tables=[
            Table(
                caption="Preparation and delivery times (minutes)",
                headers=["Step", "Orders", "Median (min)", "90th percentile (min)"],
                rows=[
                    _durations_row("Preparation (accepted → ready)", report.preparation),
                    _durations_row("Delivery (out → delivered)", report.delivery),
                ],
            )
        ],
        notes=[
            "From the orders' timelines: preparation runs from the first acceptance to the last "
            "'ready' (a recall counts in it), delivery from leaving to delivered. Percentiles "
            "interpolate between the closest orders (as PostgreSQL's percentile_cont)."
        ],
    )


def bookings_page(period: ReportRange, currency: str) -> ReportPage:
    report = selectors.bookings_report(period)
    rate = report.no_show_rate
    return ReportPage(
        slug="bookings",
        title="Bookings",
        period=period,
        summary=[
            ("Bookings", str(report.bookings)),
            ("Covers", str(report.covers)),
            ("No-shows", str(report.no_shows)),
            ("No-show rate", "–" if rate is None else f"{rate}%"),
            ("Cancelled", str(report.cancelled)),
        ],
        charts=[
            charts.bar_chart(
                chart_id="chart-covers",
                title="Covers by day",
                description=f"Guests booked for each day from {period.start} to {period.end} (cancelled "
                "bookings and no-shows left out). The same figures are in the table 'Bookings by day' below.",
                bars=[
                    charts.Bar(label=_day_short(day.day), value=day.covers, text=f"{day.covers} covers")
                    for day in report.days
                ],
                x_label="Day",
                y_label="Covers",
            )
        ],
        tables=[
            Table(
                caption="Bookings by day",
                headers=["Day", "Bookings", "Covers", "No-shows", "Cancelled"],
                rows=[
                    [_day(day.day), str(day.bookings), str(day.covers), str(day.no_shows), str(day.cancelled)]
                    for day in report.days
                ]
                + [
                    [
                        "Total",
                        str(report.bookings),
                        str(report.covers),
                        str(report.no_shows),
                        str(report.cancelled),
                    ]
                ],
            )
        ],
        notes=[
            "Bookings by the local day they start, cancelled ones apart; covers are the guests of "
            "the bookings that were not cancelled and not a no-show; the no-show rate is no-shows "
            "per booking that was not cancelled."
        ],
    )


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    build: Callable[[ReportRange, str], ReportPage]


REPORTS = (
    Report("sales", "Sales", sales_page),
    Report("dishes", "Top dishes", dishes_page),
    Report("hours", "Orders by hour", hours_page),
    Report("times", "Preparation and delivery", times_page),
    Report("bookings", "Bookings", bookings_page),
)
REPORTS_BY_SLUG = {report.slug: report for report in REPORTS}


def csv_rows(page: ReportPage) -> list[list[str]]:
    """The CSV download's rows: the report and its range, the headline figures, every table."""
    rows: list[list[str]] = [[page.title], ["From", _day(page.period.start)], ["To", _day(page.period.end)]]
    if page.summary:
        rows.append([])
        rows.extend([label, value] for label, value in page.summary)
    for table in page.tables:
        rows.extend([[], [table.caption], table.headers, *table.rows])
    return rows
