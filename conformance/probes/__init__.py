"""Traffic probes: the only code that opens connections to a gateway.

HTTP requests are built and compared with upstream's rules (``utils/http``, ``utils/roundtripper``):
what to send (``Request``), what the backend must have seen (``ExpectedRequest``), what must come back
(``Response``), and the eventual-consistency rule (N matching responses in a row within
MaxTimeToConsistency). Failures say what was sent, what was expected, what came back and for how long.
"""
