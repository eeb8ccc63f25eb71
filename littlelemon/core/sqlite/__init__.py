"""Django's SQLite backend with writers queued by the operating system (see base.py)."""
