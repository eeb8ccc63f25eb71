"""The event types an endpoint may subscribe to: every type the domain services record in the
outbox (`event_record(type=...)`). A test reads the source so that a new type cannot be
recorded without being listed here."""

EVENT_TYPES: dict[str, str] = {
    "order.placed": "A customer placed an order: its lines, totals, fulfilment and time.",
    "order.status_changed": "An order moved along its lifecycle (accepted, ready, delivered, cancelled...).",
    "order.assigned": "A delivery order was given (or handed over) to a member of the delivery crew.",
    "order.estimate_changed": "A manager pushed back the estimated time of an open order (busy service).",
    "payment.refunded": "Money was refunded on an order (in full or in part), with the amount and reason.",
    "booking.created": "A table was booked.",
    "booking.updated": "A booking's time, party size, table or details changed.",
    "booking.cancelled": "A booking was cancelled, by the customer or the restaurant.",
    "booking.reminder": "A confirmed booking starts within BOOKING_REMINDER_HOURS (once per booking and time).",
    "staff.invited": "A manager invited a new staff member (the new user's id, the inviter's).",
}
