"""Self-hosting the skill as an HTTPS web service (flask-ask-sdk); not shipped to Lambda.

Importing this package first corrects oscrypto's OpenSSL version check (see
openssl_compat), so that flask_ask_sdk and its verifiers import on OpenSSL >= 3.0.10.
"""

from web.openssl_compat import apply

apply()
