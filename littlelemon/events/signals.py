"""Signals of the outbox, for whoever wants to hear about events in this process.

`event_committed` is sent after the transaction that wrote an event commits (from
`transaction.on_commit`, in the thread that committed), once per event, with `event_id`,
`aggregate` and `type`. Receivers must be quick and must not fail: the live stream's hub
(littlelemon/live) uses it to read the new event at once instead of at its next tick.
"""

from django.dispatch import Signal

event_committed = Signal()
