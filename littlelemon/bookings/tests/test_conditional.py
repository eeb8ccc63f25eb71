"""My bookings are a per-user conditional GET: the user, their roles and the `bookings` and
`people` stamps; `private, no-cache`; a 304 for the user and the stamps; never another user's."""

import pytest

from littlelemon.accounts.models import User
from littlelemon.api.tests.conditional import PRIVATE, STRONG, assert_not_modified
from littlelemon.bookings import services
from littlelemon.bookings.models import Booking, Table

from .factories import BookingFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def etag_of(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    return response["ETag"]


@pytest.mark.parametrize("one", [False, True], ids=["list", "one"])
def test_headers_and_a_304(client_as, customer, one, django_assert_num_queries):
    booking = BookingFactory(customer=customer)
    path = f"{BOOKINGS}{booking.pk}/" if one else BOOKINGS
    client = client_as(customer)
    response = client.get(path)

    assert STRONG.match(response["ETag"]) and response["Cache-Control"] == PRIVATE
    with django_assert_num_queries(2):  # the signed-in user, the stamps
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert_not_modified(again, response["ETag"], PRIVATE)
    assert_not_modified(client.head(path, HTTP_IF_NONE_MATCH=response["ETag"]), response["ETag"], PRIVATE)


def test_no_other_user_gets_a_304_for_my_etag(client_as, customer, other_customer):
    BookingFactory(customer=customer)
    mine = etag_of(client_as(customer), BOOKINGS)

    theirs = client_as(other_customer).get(BOOKINGS, HTTP_IF_NONE_MATCH=mine)

    assert (theirs.status_code, theirs.json()["count"]) == (200, 0)


@pytest.mark.parametrize(
    "write",
    [
        lambda booking: services.booking_cancel(booking=booking, actor=booking.customer),
        lambda booking: Booking.objects.filter(pk=booking.pk).update(notes="Window seat"),
        lambda booking: Table.objects.filter(pk=booking.table_id).update(label="Terrace 1"),
        lambda booking: User.objects.filter(pk=booking.customer_id).update(first_name="Renamed"),
    ],
    ids=["service-cancel", "queryset-update", "table", "name"],
)
def test_every_kind_of_write_that_changes_my_bookings_changes_the_etag(client_as, customer, now, write):
    booking = BookingFactory(customer=customer)
    client = client_as(customer)
    before = etag_of(client, BOOKINGS)

    write(booking)
    response = client.get(BOOKINGS, HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200
    assert response["ETag"] != before
    assert response.json() == client.get(BOOKINGS).json()
