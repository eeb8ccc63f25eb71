"""Every role and every API key x every API-key endpoint: managers and admins only; no key, whatever its scopes."""

import pytest

from littlelemon.api.tests.matrix import Row, cell_ids, cells, managers, run_row
from littlelemon.apikeys.scopes import MENU_READ

from .factories import issue_key


def _key(user):
    return {"prefix": issue_key([MENU_READ], name="Target")[0].prefix}


ROWS = [
    Row("GET", "/api/v1/api-keys/", managers(200)),
    Row("POST", "/api/v1/api-keys/", managers(201), payload=lambda ctx: {"name": "POS", "scopes": [MENU_READ]}),
    Row("GET", "/api/v1/api-keys/{prefix}/", managers(200), setup=_key),
    Row("DELETE", "/api/v1/api-keys/{prefix}/", managers(204), setup=_key),
    Row("POST", "/api/v1/api-keys/{prefix}/revoke/", managers(200), setup=_key),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    run_row(row, role)
