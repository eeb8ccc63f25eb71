"""The bare baseline: the least a Django project can do to answer the menu list, served by the
same gunicorn settings as the product (directly, and behind an identical nginx). `bare_const`
returns constant bytes (the size of the menu list page, written by the benchmark to
BARE_CONST_FILE) with no Cache-Control, so nginx does not cache it; `bare_sql` runs one raw SQL
query for 20 dishes on the benchmark database and `json.dumps` them."""
