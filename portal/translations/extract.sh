#!/bin/sh
# Extract the portal's msgids into messages.pot and merge them into every
# catalogue (zh_CN). See README.md beside this file.
#
#   portal/translations/extract.sh                     # messages.pot + update zh_CN .po
#   portal/translations/extract.sh --pot-only OUT.pot  # only write a template (tests use this)
#
# PYTHON may name the interpreter (default: .venv/bin/python, else python3).
set -eu

cd "$(dirname "$0")/../.."

if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
PYBABEL="$PYTHON -m babel.messages.frontend"

POT_ONLY=0
if [ "${1:-}" = "--pot-only" ]; then POT_ONLY=1; shift; fi
POT="${1:-portal/translations/messages.pot}"

# _l / lazy_gettext: module-level labels; the domain errors of core/errors.py,
# donations/errors.py and donations/donors.py take their user-facing msgid as
# first argument (the API's ApiError its third). A new error class of that kind: add it here.
$PYBABEL -q extract -F babel.cfg \
    -k _l -k lazy_gettext \
    -k DomainError -k ValidationFailed -k Conflict -k NotFound -k PermissionDenied \
    -k LoginBlocked -k LoginFailed -k AccessEnded -k PublicationRefused \
    -k DonationError -k InvalidField -k NeedFull -k ProjectClosed -k LimitExceeded \
    -k MessageRejected -k IdempotencyConflict -k NotYours -k RefundRefused \
    -k UpstreamUnavailable -k ApiError:3 -k PrivacyNotAccepted -k Problem \
    -k InvalidLoginCode -k WeChatRateLimited -k WeChatUnavailable \
    -k RegistrationRefused -k VolunteerLoginFailed -k VolunteerLoginBlocked -k ResetLinkInvalid \
    -k VettingInvalid -k VettingRefused -k SignupRefused -k ShiftInvalid -k HoursRefused \
    --add-comments=TRANSLATORS: \
    --project=kaiping-support --copyright-holder="Kaiping County Justice Bureau" \
    -o "$POT" .

# Sentences kept in lists and translated where shown (publication_problems ...).
"$PYTHON" portal/translations/runtime_msgids.py "$POT"

[ "$POT_ONLY" = 1 ] && exit 0

# No fuzzy guesses (a wrong guess would ship silently); drop entries no code uses.
$PYBABEL -q update -i "$POT" -d portal/translations -l zh_CN \
    --init-missing --no-fuzzy-matching --ignore-obsolete
