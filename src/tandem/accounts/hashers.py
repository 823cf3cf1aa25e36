from django.contrib.auth.hashers import Argon2PasswordHasher


class TandemArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended 46 MiB, 2 passes, instead of Django's 100 MiB.

    Every sign-in holds this much memory for a moment; at 100 MiB a few at once push one
    web process past its 200 MB budget. Older hashes still verify and are upgraded on sign-in.
    """

    memory_cost = 47_104
    time_cost = 2
    parallelism = 1
