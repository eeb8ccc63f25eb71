"""`make fuzz`: the production settings with a cheap password hasher, and nothing else changed.

Every log-in and sign-up the fuzzer sends hashes a password (PBKDF2 with a million rounds,
most of a second of CPU): they were most of the run's cost, and on a loaded machine made
requests queue past schemathesis' timeout, while telling nothing about the API's answers.
"""

from .prod import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
