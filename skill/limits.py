"""Alexa's published limits on what a skill sends back: the one place they are written.

Amazon's "Request and response JSON reference" for custom skills sets them; the SSML builder,
the store's validation, the renderer and the tests all read them from here.
"""

from __future__ import annotations

MAX_SSML_CHARS = 8000  # outputSpeech and reprompt SSML, each
MAX_CARD_CHARS = 8000  # a card's title and content together
MAX_RESPONSE_BYTES = 24 * 1024  # the whole response envelope
