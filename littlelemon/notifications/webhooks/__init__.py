"""Outgoing webhooks: endpoints managers register, and the outbox handler that POSTs signed
deliveries to them (docs/webhooks.md).

    catalogue.py   the event types an endpoint may choose
    addresses.py   which URLs may be called (https, no credentials, nothing inside the network)
    signing.py     the body and the Little-Lemon-Signature header
    sending.py     the handler the outbox relay calls: one POST per delivery
    services.py / selectors.py / exceptions.py   writes, reads, errors
    permissions.py / serializers.py / apis.py / urls.py   the API (/api/v1/webhooks/)
"""
