"""`user_sign_up`: the one sign-up rule behind the web page (and the same checks as the API's)."""

import pytest

from littlelemon.accounts.exceptions import EmailTaken, UsernameTaken
from littlelemon.accounts.models import User
from littlelemon.accounts.services import user_sign_up
from littlelemon.core.exceptions import InvalidInput

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a lemon a day keeps"


def test_creates_a_customer_with_a_normalised_email_and_a_usable_password():
    user = user_sign_up(username="tilly", email="Tilly@EXAMPLE.com", password=PASSWORD)

    user.refresh_from_db()
    assert (user.username, user.email, user.is_customer, user.is_staff) == ("tilly", "Tilly@example.com", True, False)
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"username": "Taken"}, UsernameTaken, "username"),
        ({"email": "TAKEN@example.com"}, EmailTaken, "email"),
        ({"username": "two words"}, InvalidInput, "username"),
        ({"username": "x" * 151}, InvalidInput, "username"),
        ({"password": "password"}, InvalidInput, "password"),
        ({"password": "newcomer"}, InvalidInput, "password"),  # too similar to the username
    ],
)
def test_refuses_and_writes_nothing(kwargs, error, field):
    UserFactory(username="taken", email="taken@example.com")

    with pytest.raises(error) as refused:
        user_sign_up(**{"username": "newcomer", "email": "new@example.com", "password": PASSWORD, **kwargs})

    assert refused.value.field == field
    assert User.objects.count() == 1
