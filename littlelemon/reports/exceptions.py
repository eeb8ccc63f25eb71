from littlelemon.core.exceptions import InvalidInput


class InvalidReportRange(InvalidInput):
    code = "invalid_report_range"
    default_message = "Choose a valid date range."
