"""The bare baseline: the least a Django project can do to answer the menu list, served by the
same gunicorn settings as the product. `bare_const` returns constant bytes (the size of the
menu list page, written by the benchmark to BARE_CONST_FILE); `bare_sql` runs one raw SQL
query for 20 dishes on the benchmark database and `json.dumps` them."""
