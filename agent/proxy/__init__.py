"""The OpenAI-compatible proxy behind `/v1`: checked requests, forwarded and recorded calls."""

from agent.proxy.call import ProxyCall
from agent.proxy.request import (
    ProxyError,
    ProxyRequest,
    client_name,
    invalid_token,
    parse_request,
    provider_error,
)

__all__ = ["ProxyCall", "ProxyError", "ProxyRequest", "client_name", "invalid_token",
           "parse_request",
           "provider_error"]
