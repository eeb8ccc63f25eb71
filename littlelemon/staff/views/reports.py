"""The reports (/staff/reports/, managers and admins): one page per report for a range of days
in the restaurant's time zone (the last seven by default), each also as a CSV download.

The page and the CSV are made from one `reports.pages.ReportPage`, so they hold the same
figures; the figures come from `reports.selectors` (aggregated in the database).
"""

import csv
import re

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from littlelemon.pages.forms import add_application_error
from littlelemon.reports import selectors
from littlelemon.reports.exceptions import InvalidReportRange
from littlelemon.reports.pages import REPORTS, REPORTS_BY_SLUG, Report, csv_rows
from littlelemon.web.info import restaurant_info_for

from ..access import manager_required

# A cell a spreadsheet would run as a formula (CSV injection): shown as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ReportRangeForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, **kwargs):
        default = selectors.default_range()
        if not data.get("start") and not data.get("end"):
            data = {"start": default.start.isoformat(), "end": default.end.isoformat()}
        super().__init__(data, **kwargs)
        self.period: selectors.ReportRange | None = None

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.period = selectors.report_range(start=cleaned["start"], end=cleaned["end"])
            except InvalidReportRange as error:
                add_application_error(self, error)
        return cleaned


def _report(slug: str) -> Report:
    try:
        return REPORTS_BY_SLUG[slug]
    except KeyError:
        raise Http404("No such report.") from None


@manager_required
@require_GET
def reports(request: HttpRequest, slug: str = "sales") -> HttpResponse:
    """A report for the range in the query string (`start`, `end`: YYYY-MM-DD)."""
    report = _report(slug)
    form = ReportRangeForm(request.GET)
    context = {"form": form, "reports": REPORTS, "report": report, "page": None}
    if not form.is_valid():
        return render(request, "staff/reports/report.html", context, status=400)
    # The layout's header reads the same settings row: one read for both.
    context["page"] = report.build(form.period, restaurant_info_for(request).currency)
    context["csv_query"] = f"start={form.period.start.isoformat()}&end={form.period.end.isoformat()}"
    return render(request, "staff/reports/report.html", context)


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_cell(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote; a plain number (a
    negative day of sales, when refunds outweigh it) stays a number."""
    if NUMBER.fullmatch(value):
        return value
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@manager_required
@require_GET
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same report as a CSV file: its headline figures and every table of the page."""
    report = _report(slug)
    form = ReportRangeForm(request.GET)
    if not form.is_valid():
        messages = "; ".join(error for errors in form.errors.values() for error in errors)
        return HttpResponse(messages, status=400, content_type="text/plain; charset=utf-8")
    page = report.build(form.period, restaurant_info_for(request).currency)
    name = f"{report.slug}-{form.period.start.isoformat()}-{form.period.end.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    for row in csv_rows(page):
        writer.writerow([_csv_cell(cell) for cell in row])
    return response
