"""What can go wrong with the kitchen's stations, each with a stable `code`."""

from littlelemon.core.exceptions import Conflict, InvalidInput, NotFound


class StationNameTaken(Conflict):
    code = "station_name_taken"
    default_message = "Another station already has that name."


class StationInvalid(InvalidInput):
    code = "station_invalid"
    default_message = "The station is not valid."


class StationNotFound(NotFound):
    default_message = "No such station."
