"""What can go wrong with an order, each with a stable `code` (the API's `code`)."""

from littlelemon.cart.exceptions import ItemUnavailable
from littlelemon.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AlreadyTaken",
    "AssignmentClosed",
    "BelowMinimum",
    "CartEmpty",
    "DeliveryAddressRequired",
    "DeliveryCrewRequired",
    "IdempotencyKeyReused",
    "InvalidSchedule",
    "InvalidProof",
    "InvalidTransition",
    "ItemUnavailable",
    "NotADelivery",
    "NotDeliveryCrew",
    "NotTakeable",
    "NoDeliveryCrewAvailable",
    "OrderNotFound",
    "OrdersPaused",
    "RecallWindowClosed",
    "RestaurantClosed",
    "TakingDisabled",
    "TransitionForbidden",
]


class CartEmpty(InvalidInput):
    code = "cart_empty"
    default_message = "Your cart is empty: add dishes before ordering."


class BelowMinimum(InvalidInput):
    code = "below_minimum"
    default_message = "The order is below the minimum order."


class RestaurantClosed(InvalidInput):
    code = "restaurant_closed"
    default_message = "The restaurant is not taking orders right now."


class InvalidSchedule(InvalidInput):
    code = "invalid_schedule"
    default_message = "The restaurant cannot prepare an order for that time."


class DeliveryAddressRequired(InvalidInput):
    code = "delivery_address_required"
    default_message = "A delivery order needs a delivery address."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used for a different order request."


class OrderNotFound(NotFound):
    default_message = "No such order."


class InvalidTransition(Conflict):
    """The lifecycle does not allow that step from the current status (whoever asks)."""

    code = "invalid_transition"
    default_message = "The order cannot move to that status from its current one."


class TransitionForbidden(PermissionDenied):
    """The step exists, but not for this person."""

    default_message = "You may not move this order to that status."


class RecallWindowClosed(Conflict):
    """A recall (a step back) asked for after its window (settings.KITCHEN_RECALL_MINUTES)."""

    code = "recall_window_closed"
    default_message = "It is too late to recall this order."


class DeliveryCrewRequired(Conflict):
    code = "delivery_crew_required"
    default_message = "Assign a delivery crew member before sending the order out."


class NotDeliveryCrew(InvalidInput):
    code = "not_delivery_crew"
    default_message = "That user is not in the delivery crew."


class NotADelivery(InvalidInput):
    code = "not_a_delivery"
    default_message = "A pickup order has no delivery crew."


class AssignmentClosed(Conflict):
    code = "assignment_closed"
    default_message = "The delivery crew can no longer be changed: the order has left the restaurant."


class AlreadyTaken(Conflict):
    """A driver tried to take an order another driver has (or a manager gave to someone)."""

    code = "already_taken"
    default_message = "This order was already taken by someone else."


class NotTakeable(Conflict):
    code = "not_takeable"
    default_message = "This order cannot be taken now."


class TakingDisabled(PermissionDenied):
    code = "taking_disabled"
    default_message = "Drivers do not take orders themselves here: a manager assigns them."


class InvalidProof(InvalidInput):
    """A proof of delivery with no recipient's name, or a photo that is not one."""

    code = "invalid_proof"
    default_message = "The proof of delivery is not valid."


class OrdersPaused(Conflict):
    """A manager paused online orders (busy mode); the message is theirs."""

    code = "orders_paused"
    default_message = "The restaurant is not taking online orders right now."


class NoDeliveryCrewAvailable(Conflict):
    code = "no_delivery_crew"
    default_message = "There is no active delivery crew to assign: add a driver first."


class OnlinePaymentUnavailable(InvalidInput):
    """Paying by card online needs Stripe's keys (littlelemon/payments)."""

    code = "online_payment_unavailable"
    default_message = "Paying by card online is not available; pay in person instead."
