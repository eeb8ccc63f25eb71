"""What a booking request can run into. Each has a stable `code` the clients can rely on."""

from littlelemon.core.exceptions import Conflict, InvalidInput


class PartyTooLarge(InvalidInput):
    code = "party_too_large"
    default_message = "This party is larger than the restaurant takes online."


class OutsideOpeningHours(InvalidInput):
    code = "outside_opening_hours"
    default_message = "The restaurant is not open for the whole booking at that time."


class OffGrid(InvalidInput):
    code = "off_grid"
    default_message = "Bookings start on the restaurant's slot grid."


class TooSoon(InvalidInput):
    code = "too_soon"
    default_message = "That time is too soon to book."


class TooFarAhead(InvalidInput):
    code = "too_far_ahead"
    default_message = "That date is beyond the booking horizon."


class TableNotSuitable(InvalidInput):
    code = "table_not_suitable"
    default_message = "That table cannot take this booking."


class TableUnavailable(Conflict):
    code = "table_unavailable"
    default_message = "No suitable table is free for the whole booking at that time."


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = "You already have a booking at that time."


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = "This booking cannot move to that status."


class BookingNotEditable(Conflict):
    code = "booking_not_editable"
    default_message = "This booking can no longer be changed."


class TooLate(Conflict):
    code = "too_late"
    default_message = "It is too late to change or cancel this booking online."


class TooEarly(Conflict):
    code = "too_early"
    default_message = "This booking has not started yet."


class TableInUse(Conflict):
    code = "table_in_use"
    default_message = "This table has bookings."


class LabelTaken(InvalidInput):
    code = "label_taken"
    default_message = "Another table has this label."


class SeatingTooEarly(Conflict):
    code = "seating_too_early"
    default_message = "This party cannot be seated yet: its booking starts later."


class BookingOver(Conflict):
    code = "booking_over"
    default_message = "This booking's time is over."
