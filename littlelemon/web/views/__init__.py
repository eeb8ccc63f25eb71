"""The customer pages. Thin: parse the request, call a selector or a service, render.

A page asked for by htmx (menu filters, booking times, cart changes, an order's status) gets
only the fragment it swaps; every page also works as a plain GET or POST without JavaScript.
"""
