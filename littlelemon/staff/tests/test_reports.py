"""The reports screen (/staff/reports/): who may open it, the range form's refusals, the figures
on the page and in the CSV download (the same, cell for cell), the charts' accessibility and
escaping, and a fixed number of queries per report whatever the range."""

import csv
import io
from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from conftest import user_with_role
from littlelemon.reports.models import ReportDay
from littlelemon.reports.pages import REPORTS
from littlelemon.reports.rollup import report_days_build
from littlelemon.reports.selectors import DAILY
from littlelemon.reports.tests import dataset
from littlelemon.staff.access import screens_for
from littlelemon.staff.views import reports as reports_view
from littlelemon.web.tests.htmltext import text, texts

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")
MANAGERS = {"manager", "admin"}
SLUGS = [report.slug for report in REPORTS]
WEEK = {"start": "2026-03-02", "end": "2026-03-08"}
YEAR = {"start": "2025-03-09", "end": "2026-03-09"}


def signed_in(role: str) -> Client:
    user = user_with_role(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def manager_client() -> Client:
    return signed_in("manager")


def page_url(slug: str) -> str:
    return reverse("staff:report", args=[slug])


def csv_url(slug: str) -> str:
    return reverse("staff:report_csv", args=[slug])


class _Tables(HTMLParser):
    """Every <table> as (caption, [rows of cell texts]) and the <dl> of headline figures."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.summary: list[list[str]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th", "dt", "dd"):
            self._cell = []
        elif tag == "dl":
            self._in_summary = True

    def handle_endtag(self, tag):
        if tag == "caption":
            caption = "".join(self._caption).strip()
            self.tables[-1] = (caption, self.tables[-1][1])
            self._caption = None
        elif tag == "tr":
            self.tables[-1][1].append(self._row)
            self._row = None
        elif tag in ("td", "th"):
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "dt":
            self.summary.append(["".join(self._cell).strip()])
        elif tag == "dd":
            self.summary[-1].append("".join(self._cell).strip())
        elif tag == "dl":
            self._in_summary = False

    def handle_data(self, data):
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def screen_tables(html: bytes) -> _Tables:
    parser = _Tables()
    parser.feed(html.decode())
    return parser


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


# Each report's heading on its page and the first line of its CSV download.
TITLES = {
    "sales": "Sales",
    "dishes": "Top dishes",
    "hours": "Orders by hour of the week",
    "times": "Preparation and delivery times",
    "bookings": "Bookings",
}


def assert_refused(role: str, response) -> None:
    """The refusal every staff screen gives: log in first, else the 403 page (no report in it)."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    else:
        assert response.status_code == 403
        assert text(response.content, tag="h1") == "You can't open this page"
        assert "report" not in response.content.decode().lower()


class TestWhoMay:
    def test_every_routed_report_is_in_the_matrix(self):
        assert sorted(SLUGS) == sorted(TITLES)

    @pytest.mark.parametrize("role", ROLES)
    def test_the_index(self, role):
        response = signed_in(role).get(reverse("staff:reports"), WEEK)

        if role not in MANAGERS:
            assert_refused(role, response)
            return
        assert response.status_code == 200
        assert text(response.content, tag="h2").startswith("Sales ")  # the index shows the sales report
        assert response.context["page"].slug == "sales"

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("slug", SLUGS)
    def test_each_report_page(self, role, slug):
        response = signed_in(role).get(page_url(slug), WEEK)

        if role not in MANAGERS:
            assert_refused(role, response)
            return
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert text(response.content, tag="h2") == f"{TITLES[slug]} Mon 2 Mar 2026 – Sun 8 Mar 2026"
        assert f'href="{csv_url(slug)}?start=2026-03-02&amp;end=2026-03-08"' in response.content.decode()

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("slug", SLUGS)
    def test_each_report_csv(self, role, slug):
        response = signed_in(role).get(csv_url(slug), WEEK)

        if role not in MANAGERS:
            assert_refused(role, response)
            assert "Content-Disposition" not in response
            return
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_rows(response.content)[:3] == [[TITLES[slug]], ["From", "2026-03-02"], ["To", "2026-03-08"]]

    @pytest.mark.parametrize("role", ROLES[1:])
    def test_the_screen_is_in_the_managers_nav(self, role):
        user = user_with_role(role)

        assert ("staff:reports" in [screen.url_name for screen in screens_for(user)]) is (role in MANAGERS)

    def test_an_unknown_report(self, manager_client):
        assert manager_client.get(page_url("nonsense")).status_code == 404
        assert manager_client.get(csv_url("nonsense")).status_code == 404

    def test_only_get(self, manager_client):
        assert manager_client.post(page_url("sales"), WEEK).status_code == 405


class TestRange:
    def test_the_default_is_the_last_seven_days(self, manager_client, freeze):
        freeze(dataset.local(2026, 3, 8, 12))

        response = manager_client.get(reverse("staff:reports"))

        assert response.status_code == 200
        assert response.context["page"].period == dataset.PERIOD
        assert "Mon 2 Mar 2026 – Sun 8 Mar 2026" in text(response.content, css_class="report__range")

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ({"start": "2026-03-08", "end": "2026-03-01"}, "end", "The end date is before the start date."),
            ({"start": "2025-01-01", "end": "2026-01-02"}, "end", "Choose at most 366 days."),
            ({"start": "2026-02-30", "end": "2026-03-08"}, "start", "Enter a valid date."),
            ({"start": "yesterday", "end": "2026-03-08"}, "start", "Enter a valid date."),
            ({"start": "2026-03-01"}, "end", "This field is required."),
        ],
    )
    def test_refused_with_a_message_next_to_its_field(self, manager_client, query, field, message):
        response = manager_client.get(page_url("sales"), query)

        assert response.status_code == 400
        assert response.context["form"].errors == {field: [message]}
        assert response.context["page"] is None
        invalid = texts(response.content, css_class="field--invalid")
        assert len(invalid) == 1
        assert message in invalid[0]
        assert not texts(response.content, tag="table")

    def test_the_csv_refuses_a_bad_range(self, manager_client):
        response = manager_client.get(csv_url("sales"), {"start": "2026-03-08", "end": "2026-03-01"})

        assert response.status_code == 400
        assert response.content.decode() == "The end date is before the start date."


class TestFigures:
    @pytest.fixture(autouse=True)
    def data(self):
        return dataset.build()

    def test_sales(self, manager_client):
        response = manager_client.get(page_url("sales"), WEEK)

        screen = screen_tables(response.content)
        assert screen.summary == [
            ["Sales", "$72.50"],
            ["Orders", "3"],
            ["Average ticket", "$24.17"],
            ["Tips", "$3.50"],
            ["Tax", "$7.00"],
        ]
        caption, rows = screen.tables[0]
        assert caption == "Sales by day"
        assert rows[0] == ["Day", "Orders", "Sales (USD)", "Tax (USD)", "Tips (USD)"]
        assert rows[1] == ["2026-03-02", "1", "29.50", "2.50", "2.00"]
        assert rows[2] == ["2026-03-03", "0", "-5.00", "0.00", "0.00"]  # a refund on its own day
        assert rows[7] == ["2026-03-08", "1", "40.00", "3.50", "1.50"]
        assert rows[8] == ["Total", "3", "72.50", "7.00", "3.50"]
        assert screen.tables[1][1][1:] == [
            ["Fulfilment", "Delivery", "2", "69.50"],
            ["Fulfilment", "Pickup", "1", "3.00"],
            ["Payment method", "Cash", "2", "64.50"],
            ["Payment method", "Card in person", "1", "8.00"],
            ["Payment method", "Card online", "0", "0.00"],
        ]

    def test_times_and_bookings(self, manager_client):
        times = screen_tables(manager_client.get(page_url("times"), WEEK).content)
        bookings = screen_tables(manager_client.get(page_url("bookings"), WEEK).content)

        assert times.tables[0][1][1:] == [
            ["Preparation (accepted → ready)", "3", "16.0", "19.2"],
            ["Delivery (out → delivered)", "2", "25.0", "29.0"],
        ]
        assert ["No-show rate", "33.3%"] in bookings.summary
        assert bookings.tables[0][1][-1] == ["Total", "3", "6", "1", "1"]

    @pytest.mark.parametrize("slug", SLUGS)
    def test_the_csv_holds_what_the_screen_shows(self, manager_client, slug):
        screen = screen_tables(manager_client.get(page_url(slug), WEEK).content)
        response = manager_client.get(csv_url(slug), WEEK)

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{slug}-2026-03-02-2026-03-08.csv"'
        rows = csv_rows(response.content)
        assert rows[1:3] == [["From", "2026-03-02"], ["To", "2026-03-08"]]
        for label_value in screen.summary:
            assert label_value in rows
        expected = []
        for caption, table_rows in screen.tables:
            expected += [[], [caption], *table_rows]
        assert rows[-len(expected) :] == expected

    def test_an_empty_range(self, manager_client):
        query = {"start": "2025-06-01", "end": "2025-06-30"}

        sales = screen_tables(manager_client.get(page_url("sales"), query).content)
        dishes = manager_client.get(page_url("dishes"), query)

        assert ["Average ticket", "–"] in sales.summary
        assert sales.tables[0][1][-1] == ["Total", "0", "0.00", "0.00", "0.00"]
        assert texts(dishes.content, tag="td") == ["Nothing in this range."] * 2
        assert csv_rows(manager_client.get(csv_url("dishes"), query).content)[-2:] == [
            ["Top dishes by revenue"],
            ["Rank", "Dish", "Quantity", "Revenue (USD)"],
        ]


class TestCharts:
    @pytest.fixture(autouse=True)
    def data(self):
        return dataset.build()

    @pytest.mark.parametrize(
        ("slug", "charts"),
        [
            ("sales", ["chart-sales"]),
            ("dishes", ["chart-dishes-quantity", "chart-dishes-revenue"]),
            ("hours", ["chart-hours"]),
            ("bookings", ["chart-covers"]),
        ],
    )
    def test_accessible_svg(self, manager_client, slug, charts):
        html = manager_client.get(page_url(slug), WEEK).content.decode()

        for chart in charts:
            assert f'id="{chart}" ' in html
            assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
            assert f'<title id="{chart}-title">' in html
            assert f'<desc id="{chart}-desc">' in html
        assert 'class="chart__label"' in html  # axis labels
        assert "<script" not in html.split("</head>")[1]
        assert " style=" not in html

    def test_dish_names_are_escaped(self, manager_client):
        html = manager_client.get(page_url("dishes"), WEEK).content.decode()

        assert "<cake>" not in html
        assert "Lemon &lt;cake&gt; &amp; co" in html
        svg = html[html.index("<svg") : html.rindex("</svg>")]
        assert "Lemon &lt;cake&gt; &amp; co: $4.00" in svg

    def test_sales_chart_axis_and_bars(self, manager_client):
        html = manager_client.get(page_url("sales"), WEEK).content.decode()

        assert "Sales (USD)</text>" in html
        assert ">Day</text>" in html
        assert html.count('class="chart__bar"') == 7
        assert "<title>Sun 8 Mar: $40.00</title>" in html

    def test_csv_cells_never_run_as_formulas(self, manager_client):
        dataset._order(
            status="delivered",
            fulfilment="pickup",
            subtotal="5.00",
            tip="0.00",
            method="cash",
            finished=dataset.local(2026, 3, 3, 12),
            lines=[("=HYPERLINK(1)", 1, "5.00")],
        )

        rows = csv_rows(manager_client.get(csv_url("dishes"), WEEK).content)

        assert ["4", "'=HYPERLINK(1)", "1", "5.00"] in rows
        assert not any(cell.startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "written"),
    [("-5.00", "-5.00"), ("12", "12"), ("-1+1", "'-1+1"), ("=1", "'=1"), ("-", "'-"), ("@x", "'@x")],
)
def test_a_negative_amount_stays_a_number_and_a_formula_does_not(value, written):
    assert reports_view._csv_cell(value) == written


# Per page and per CSV: the session, the user and their roles (3), the restaurant's settings (the
# currency, also the layout's name; the opening hours come from a cache the first request warms),
# then the report's own queries: for a report whose settled days are stored (all but bookings),
# the stored days' read, then with nothing stored the live queries (two for sales: the ledger's
# captures and refunds) and one INSERT storing the settled days; with every day stored nothing
# more. Bookings: one live query.
@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("query", [WEEK, YEAR], ids=["week", "year"])
def test_a_fixed_number_of_queries(manager_client, django_assert_num_queries, slug, query):
    dataset.build()
    live = 2 if slug == "sales" else 1  # reports/selectors.py
    stored = slug in DAILY
    manager_client.get(page_url(slug), WEEK)  # warms what the layout caches per process
    ReportDay.objects.all().delete()

    with django_assert_num_queries(PAGE_QUERIES + (1 + live + 1 if stored else live)):
        manager_client.get(page_url(slug), query)
    report_days_build(since=date.fromisoformat(query["start"]), until=date.fromisoformat(query["end"]))
    with django_assert_num_queries(PAGE_QUERIES + (1 if stored else live)):
        manager_client.get(page_url(slug), query)
    with django_assert_num_queries(CSV_QUERIES + (1 if stored else live)):
        manager_client.get(csv_url(slug), query)


PAGE_QUERIES = 4
CSV_QUERIES = 4
