"""Stripe's webhook endpoint: POST /payments/stripe/webhook/ (no session, no CSRF token: the
signature is the proof)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import gateway, webhooks


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not gateway.enabled():
        return JsonResponse({"detail": "Card payments are not configured."}, status=404)
    try:
        event = webhooks.event_verified(request.body, request.headers.get("Stripe-Signature", ""))
    except webhooks.BadSignature:
        return JsonResponse({"detail": "Invalid signature."}, status=400)
    handled = webhooks.event_handle(event)
    return JsonResponse({"received": True, "replay": not handled})
