"""Self-hosting the skill as an HTTPS web service (Flask, gunicorn); not shipped to Lambda.

Importing this package first corrects oscrypto's OpenSSL version check (see
openssl_compat), so that the SDK's verifier and certvalidator import on OpenSSL >= 3.0.10.
"""

from web.openssl_compat import apply

apply()
