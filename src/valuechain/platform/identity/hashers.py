"""A test-only Argon2 hasher: the same algorithm and hash format at the smallest cost."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with minimal time and memory cost; used only when VALUECHAIN_TESTING is on."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
