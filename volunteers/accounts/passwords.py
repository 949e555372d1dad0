"""Password rules for volunteer accounts: the staff minimum length, and a few checks
for passwords that are long but guessable. Messages are msgids (Chinese in the UI)."""

from __future__ import annotations

from core.users import MIN_PASSWORD_LENGTH
from volunteers.accounts.errors import RegistrationRefused

MAX_PASSWORD_LENGTH = 256

# Long enough for the length rule, still the first ones an attacker tries.
COMMON = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "123456789a",
        "a123456789",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty123456",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou123",
        "woaini1314520",
        "abcdefghij",
        "abc1234567",
        "1q2w3e4r5t",
        "88888888888",
        "zxcvbnm123",
    }
)


def check_password(password: str, *, personal: tuple[str, ...] = ()) -> None:
    """RegistrationRefused (on the `password` field) with the reason this password is
    refused, if it is.

    `personal` holds what the account is known by (username, email's name, mobile):
    a password containing one of them is guessed by whoever knows the volunteer.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RegistrationRefused(
            "The password must have at least %(n)d characters.",
            field="password",
            n=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RegistrationRefused(
            "The password may have at most %(n)d characters.",
            field="password",
            n=MAX_PASSWORD_LENGTH,
        )
    if password.lower() in COMMON or len(set(password)) <= 2:
        raise RegistrationRefused(
            "This password is too easy to guess. Choose another.", field="password"
        )
    if password.isdigit():
        raise RegistrationRefused("The password may not be digits only.", field="password")
    lowered = password.lower()
    for item in personal:
        if len(item) >= 4 and item.lower() in lowered:
            raise RegistrationRefused(
                "The password may not contain your username, email or mobile number.",
                field="password",
            )
