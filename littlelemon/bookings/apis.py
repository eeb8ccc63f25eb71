from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from littlelemon.accounts.permissions import is_manager_for
from littlelemon.api.conditional import ConditionalGetMixin
from littlelemon.api.serializers import ErrorSerializer
from littlelemon.apikeys.scopes import BOOKINGS_READ, read_only, read_write

from . import selectors, services
from .filters import BookingFilter
from .permissions import CanChangeBookingStatus, TablePermission
from .serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookingSerializer,
    BookingStatusSerializer,
    BookingUpdateSerializer,
    BookingWriteSerializer,
    TableSerializer,
)

# What a booking shows: the bookings and tables (`bookings`), the customer's name (`people`).
LIST = {"stamps": ("bookings", "people")}
# What the availability is computed from: tables and bookings, the settings, hours and closures.
AVAILABILITY_STAMPS = ("bookings", "restaurant")


def conflict(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


TABLE_IN_USE = conflict("`table_in_use`: the table has bookings that stop this change.")
BOOKING_CONFLICT = conflict(
    "`table_unavailable` (no suitable table is free then, or it was just taken), `already_booked` (you already "
    "have a booking then), `booking_not_editable`, `too_late` (past the cancellation cut-off), "
    "`invalid_transition`, `too_early` (a no-show before the grace period after the start), `seating_too_early` "
    "(seating opens BOOKING_SEAT_EARLY_MINUTES before the start) or `booking_over` (seating after the end)."
)


@extend_schema_view(
    update=extend_schema(responses={200: TableSerializer, 409: TABLE_IN_USE}),
    partial_update=extend_schema(responses={200: TableSerializer, 409: TABLE_IN_USE}),
    destroy=extend_schema(
        description="Delete a table that never had a booking. One with bookings on record is kept for "
        "history (409): set `active` to false instead.",
        responses={204: None, 409: TABLE_IN_USE},
    ),
)
class TableViewSet(viewsets.ModelViewSet):
    """The floor plan: staff read it, managers change it. Labels are unique (case-insensitive),
    seats 1..50. An inactive table takes no new bookings."""

    permission_classes = [TablePermission]
    serializer_class = TableSerializer
    api_key_scopes = read_only("bookings")  # an API key reads the floor plan, never changes it

    def get_queryset(self):
        return selectors.table_list()

    def perform_create(self, serializer):
        serializer.instance = services.table_create(**serializer.validated_data, actor=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.table_update(
            table=serializer.instance, data=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.table_delete(table=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        description="Your bookings, by start time; managers and admins see everyone's and filter by local "
        "`date`, `status` and `table` (`ordering=table` lists a day by table)."
    ),
    retrieve=extend_schema(description="One of your bookings (managers: any booking)."),
)
class BookingViewSet(
    ConditionalGetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Table bookings. Customers book for themselves; managers also for guests, and choose tables."""

    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    api_key_scopes = read_write("bookings")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action == "availability":
            return [AllowAny()]
        if self.action == "change_status":
            return [IsAuthenticated(), CanChangeBookingStatus()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return selectors.booking_list_visible_to(user=self.request.user)

    def list(self, request, *args, **kwargs):
        return self.conditional_response(lambda: super(BookingViewSet, self).list(request, *args, **kwargs), **LIST)

    def retrieve(self, request, *args, **kwargs):
        return self.conditional_response(lambda: super(BookingViewSet, self).retrieve(request, *args, **kwargs), **LIST)

    def _render(self, booking, status_code=status.HTTP_200_OK) -> Response:
        booking = self.get_queryset().get(pk=booking.pk)  # joined, as the list shows it
        return Response(BookingSerializer(booking).data, status=status_code)

    @extend_schema(
        request=BookingWriteSerializer,
        responses={201: BookingSerializer, 409: BOOKING_CONFLICT},
        description="Book a table: `start` must be one of the availability's start times. The smallest free "
        "table that fits is chosen. Managers may book for a guest (`guest_name`, `guest_phone`) and choose the "
        "`table`; others sending those fields get a 403.",
    )
    def create(self, request, *args, **kwargs):
        serializer = BookingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_create(actor=request.user, **serializer.validated_data)
        return self._render(booking, status.HTTP_201_CREATED)

    @extend_schema(
        request=BookingUpdateSerializer,
        responses={200: BookingSerializer, 409: BOOKING_CONFLICT},
        description="Change the time, party size or notes of your confirmed booking, until the cancellation "
        "cut-off; the new time is re-checked and the table kept when it still fits. Managers change any active "
        "booking, its table and guest details too.",
    )
    def partial_update(self, request, *args, **kwargs):
        booking = self.get_object()
        serializer = BookingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_update(booking=booking, actor=request.user, data=serializer.validated_data)
        return self._render(booking)

    @extend_schema(
        responses={204: None, 409: BOOKING_CONFLICT},
        description="Cancel a confirmed booking (it is kept, with status `cancelled`). Customers may until the "
        "cancellation cut-off.",
    )
    def destroy(self, request, *args, **kwargs):
        services.booking_cancel(booking=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=BookingStatusSerializer,
        responses={200: BookingSerializer, 409: BOOKING_CONFLICT},
        description="Managers: `seated`, `completed`, `no_show` or `cancelled`. Allowed: confirmed -> seated "
        "(from BOOKING_SEAT_EARLY_MINUTES before the start until its end), cancelled, or no_show (from "
        "BOOKING_NO_SHOW_GRACE_MINUTES after the start); seated -> completed.",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, *args, **kwargs):
        booking = self.get_object()
        serializer = BookingStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_status_change(
            booking=booking, actor=request.user, status=serializer.validated_data["status"]
        )
        return self._render(booking)

    @extend_schema(
        parameters=[AvailabilityQuerySerializer],
        responses={200: AvailabilitySerializer},
        description="The start times on a date at which a table for the party is free for the whole booking. "
        "A date in the past or beyond the horizon, or a party larger than every table, has no slots; a party "
        "above the online maximum is a 400 (`party_too_large`). Managers also see the slot under way (walk-ins).",
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def availability(self, request, *args, **kwargs):
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        staff = is_manager_for(request.user, BOOKINGS_READ)
        now = selectors.availability_clock()  # the answer holds for this whole minute

        def render() -> Response:
            availability = selectors.availability_for(
                day=query.validated_data["date"], party_size=query.validated_data["party_size"], staff=staff, now=now
            )
            return Response(AvailabilitySerializer(availability).data)

        # The same for every caller but managers (who also see the slot under way).
        return self.conditional_response(render, stamps=AVAILABILITY_STAMPS, public=not staff, bucket=now)
