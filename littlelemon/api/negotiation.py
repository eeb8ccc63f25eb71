"""Content negotiation: `Accept` or `?format=` picks JSON, XML, CSV or YAML.

DRF answers an unknown `?format=` with 404, as if the resource did not exist; here it is a 406
naming the formats on offer, the same answer an unsatisfiable `Accept` gets. A 404 keeps its
one meaning: no such object, or not one you may see.
"""

from rest_framework import negotiation
from rest_framework.exceptions import NotAcceptable


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(renderer.format for renderer in renderers)
            raise NotAcceptable(f"Unknown ?format=: use one of {offered}.")
        return matching
