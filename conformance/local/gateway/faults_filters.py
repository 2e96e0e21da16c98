"""Faults of the reference gateway's filters, redirects, rewrites, CORS, mirrors, timeouts and retries,
and of the precedence between the match types those features' tests combine.

Each breaks one request-time behaviour of an HTTPRoute filter or rule field the way a real proxy has (or
plausibly could) get it wrong. The modules that implement the behaviour check the constants below.
"""

from __future__ import annotations

from conformance.local.faults import Fault

HEADER_SET_APPENDS = "header-set-appends"
HEADER_MODIFIER_NAMES_CASE_SENSITIVE = "header-modifier-names-case-sensitive"
RESPONSE_HEADER_ADD_REPLACES = "response-header-add-replaces"
BACKEND_FILTERS_IGNORED = "backend-filters-ignored"
BACKEND_FILTERS_OF_FIRST_BACKEND = "backend-filters-of-first-backend"
REDIRECT_STATUS_ALWAYS_302 = "redirect-status-always-302"
REDIRECT_SCHEME_KEEPS_PORT = "redirect-scheme-keeps-port"
REDIRECT_PORT_IGNORED = "redirect-port-ignored"
REDIRECT_HOSTNAME_IGNORED = "redirect-hostname-ignored"
REDIRECT_PREFIX_DROPS_REMAINDER = "redirect-prefix-drops-remainder"
REWRITE_PREFIX_DROPS_REMAINDER = "rewrite-prefix-drops-remainder"
REWRITE_HOSTNAME_IGNORED = "rewrite-hostname-ignored"
CORS_PREFLIGHT_FORWARDED = "cors-preflight-forwarded"
CORS_WILDCARD_WITH_CREDENTIALS = "cors-wildcard-with-credentials"
REQUEST_TIMEOUT_IGNORED = "request-timeout-ignored"
BACKEND_TIMEOUT_IGNORED = "backend-timeout-ignored"
ZERO_TIMEOUT_NOT_DISABLED = "zero-timeout-not-disabled"
RETRIES_IGNORED = "retries-ignored"
RETRY_ATTEMPTS_COUNT_FIRST_TRY = "retry-attempts-count-first-try"
RETRY_ANY_STATUS = "retry-any-5xx-status"
CONNECTION_ERRORS_NOT_RETRIED = "connection-errors-not-retried"
MIRROR_NOT_SENT = "mirror-not-sent"
MIRROR_FIRST_ONLY = "mirror-first-filter-only"
MIRROR_PERCENTAGE_IGNORED = "mirror-percentage-ignored"
NAMED_RULES_DROPPED = "named-rules-dropped"
METHOD_BELOW_HEADERS = "method-match-ranked-below-headers"
QUERY_ABOVE_HEADERS = "query-match-ranked-above-headers"
PREFIX_LENGTH_IGNORED = "longest-prefix-not-preferred"


def _dp(name: str, breaks: str) -> Fault:
    return Fault(name=name, component="dataplane", breaks=breaks)


FILTERS_FAULTS: tuple[Fault, ...] = (
    _dp(HEADER_SET_APPENDS, "A header modifier's set adds a value next to the existing one instead of replacing it."),
    _dp(
        HEADER_MODIFIER_NAMES_CASE_SENSITIVE,
        "Header modifiers compare header names case-sensitively: set and remove miss x-foo when told X-Foo.",
    ),
    _dp(
        RESPONSE_HEADER_ADD_REPLACES,
        "ResponseHeaderModifier add replaces the backend's value of the header instead of appending to it.",
    ),
    _dp(BACKEND_FILTERS_IGNORED, "Filters on a backendRef are ignored (only rule-level filters run)."),
    _dp(
        BACKEND_FILTERS_OF_FIRST_BACKEND,
        "The filters of a rule's first backendRef run for every request, whichever backendRef serves it.",
    ),
    _dp(REDIRECT_STATUS_ALWAYS_302, "RequestRedirect ignores statusCode and always answers 302."),
    _dp(
        REDIRECT_SCHEME_KEEPS_PORT,
        "A scheme redirect without a port keeps the listener's port instead of the scheme's well-known port.",
    ),
    _dp(REDIRECT_PORT_IGNORED, "RequestRedirect ignores its port field."),
    _dp(REDIRECT_HOSTNAME_IGNORED, "RequestRedirect ignores its hostname field and keeps the request's host."),
    _dp(
        REDIRECT_PREFIX_DROPS_REMAINDER,
        "A redirect's ReplacePrefixMatch replaces the whole path, dropping what followed the matched prefix.",
    ),
    _dp(
        REWRITE_PREFIX_DROPS_REMAINDER,
        "URLRewrite ReplacePrefixMatch replaces the whole path, dropping what followed the matched prefix.",
    ),
    _dp(REWRITE_HOSTNAME_IGNORED, "URLRewrite hostname is ignored: the backend sees the client's Host header."),
    _dp(CORS_PREFLIGHT_FORWARDED, "CORS preflight requests are forwarded to the backend instead of answered."),
    _dp(
        CORS_WILDCARD_WITH_CREDENTIALS,
        "CORS answers a wildcard configuration with '*' even when allowCredentials is true.",
    ),
    _dp(REQUEST_TIMEOUT_IGNORED, "timeouts.request never fires."),
    _dp(BACKEND_TIMEOUT_IGNORED, "timeouts.backendRequest never fires."),
    _dp(ZERO_TIMEOUT_NOT_DISABLED, "A zero timeout (0s) expires at once instead of disabling the timeout."),
    _dp(RETRIES_IGNORED, "The rule's retry policy is ignored: nothing is retried."),
    _dp(
        RETRY_ATTEMPTS_COUNT_FIRST_TRY,
        "retry.attempts is taken as the total number of tries, first one included, so one retry too few is made.",
    ),
    _dp(RETRY_ANY_STATUS, "Any 5xx answer is retried, not only the status codes the retry policy lists."),
    _dp(CONNECTION_ERRORS_NOT_RETRIED, "Connections the backend resets are not retried, only listed status codes."),
    _dp(MIRROR_NOT_SENT, "RequestMirror filters send nothing to the mirror backends."),
    _dp(MIRROR_FIRST_ONLY, "Only the first RequestMirror filter of a rule is honoured."),
    _dp(MIRROR_PERCENTAGE_IGNORED, "RequestMirror percent and fraction are ignored: every request is mirrored."),
    _dp(
        METHOD_BELOW_HEADERS,
        "Match precedence ranks the number of header matches above a method match.",
    ),
    _dp(
        QUERY_ABOVE_HEADERS,
        "Match precedence ranks the number of query parameter matches above the number of header matches.",
    ),
    _dp(
        PREFIX_LENGTH_IGNORED,
        "Among PathPrefix matches the longest prefix does not win: rule order decides.",
    ),
    Fault(
        NAMED_RULES_DROPPED,
        "controller",
        "Rules that have a name are treated as unsupported and dropped (the route is PartiallyInvalid).",
    ),
)
