"""What can go wrong with a payment, each with a stable `code`."""

from littlelemon.core.exceptions import ApplicationError, Conflict, InvalidInput


class PaymentNotNeeded(Conflict):
    code = "payment_not_needed"
    default_message = "This order is not waiting for a payment."


class CardDeclined(ApplicationError):
    """Stripe refused the card; the message is Stripe's, for the customer."""

    code = "card_declined"
    http_status = 402
    default_message = "Your card was declined."


class PaymentProviderError(ApplicationError):
    code = "payment_provider_error"
    http_status = 502
    default_message = "The card payment service did not answer; nothing was charged. Please try again."


class NothingToRefund(Conflict):
    code = "nothing_to_refund"
    default_message = "This order has no payment to refund."


class RefundTooLarge(InvalidInput):
    code = "refund_too_large"
    default_message = "That is more than what is left to refund."
