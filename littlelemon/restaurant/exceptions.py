from littlelemon.core.exceptions import InvalidInput


class OverlappingHours(InvalidInput):
    code = "overlapping_hours"
    default_message = "This range overlaps another opening range on the same day."
