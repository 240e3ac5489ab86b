"""Questions about installed packages' APIs, each with the objects that answer it.

Used by tests/test_docs_search.py (the packages in PACKAGES) and bench/bench_docs.py.
An expected name starting with `*.` matches any qualname ending with the rest.
"""

from __future__ import annotations

PACKAGES = ("click", "requests", "httpx", "jsonschema", "packaging", "flask", "itsdangerous")

QUESTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("how do I add a command line option with a default value in click", ("click.option",)),
    ("define a positional argument for a click command", ("click.argument",)),
    ("group several subcommands together in click", ("click.group", "click.Group")),
    ("ask the user for confirmation before continuing", ("click.confirm",)),
    ("print a message with colors in the terminal with click", ("click.secho", "click.style")),
    ("prompt the user for input in a click program", ("click.prompt",)),
    ("show a progress bar while iterating in click", ("click.progressbar",)),
    ("open the user's editor to edit some text", ("click.edit",)),
    ("validate that an option is an integer within a range", ("click.IntRange",)),
    ("pass a context object between click commands", ("click.pass_context", "click.pass_obj")),
    ("test a click command by invoking it programmatically", ("click.testing.CliRunner",
                                                              "*.CliRunner.invoke")),
    ("send an HTTP GET request with query parameters", ("requests.get", "httpx.get")),
    ("post JSON data to an API with requests", ("requests.post",)),
    ("reuse a TCP connection across requests with cookies persisted", ("requests.Session",)),
    ("raise an exception if the HTTP response status is an error",
     ("requests.Response.raise_for_status", "httpx.Response.raise_for_status")),
    ("retry failed HTTP requests by mounting an adapter", ("requests.adapters.HTTPAdapter",
                                                           "requests.Session.mount")),
    ("decode the JSON body of a response", ("requests.Response.json", "httpx.Response.json")),
    ("stream a large download in chunks", ("requests.Response.iter_content",
                                           "httpx.Response.iter_bytes", "httpx.stream")),
    ("basic authentication with username and password in requests",
     ("requests.auth.HTTPBasicAuth",)),
    ("make asynchronous HTTP requests with httpx", ("httpx.AsyncClient",)),
    ("set a timeout for connect and read in httpx", ("httpx.Timeout",)),
    ("mock HTTP responses in tests with a transport in httpx", ("httpx.MockTransport",)),
    ("limit the number of connections in the pool httpx", ("httpx.Limits",)),
    ("build a URL and change its query parameters in httpx",
     ("httpx.URL", "httpx.URL.copy_merge_params", "httpx.URL.copy_set_param",
      "httpx.URL.copy_add_param", "httpx.QueryParams")),
    ("check whether an httpx response is a redirect", ("httpx.Response.is_redirect",
                                                       "httpx.Response.has_redirect_location")),
    ("validate an instance against a JSON schema", ("jsonschema.validate",)),
    ("iterate over all validation errors instead of stopping at the first",
     ("*.iter_errors",)),
    ("find the most relevant error among many validation errors",
     ("jsonschema.exceptions.best_match", "jsonschema.exceptions.relevance",
      "jsonschema.exceptions.by_relevance")),
    ("check that a JSON schema itself is valid", ("*.check_schema",)),
    ("validate the format of strings like email addresses and dates",
     ("jsonschema.FormatChecker",)),
    ("pick the validator class for a schema's $schema keyword",
     ("jsonschema.validators.validator_for",)),
    ("parse and compare version strings", ("packaging.version.Version",
                                           "packaging.version.parse")),
    ("check whether a version satisfies a specifier like >=1.0,<2",
     ("packaging.specifiers.SpecifierSet", "packaging.specifiers.SpecifierSet.contains",
      "packaging.specifiers.Specifier")),
    ("parse a requirement string with extras and environment markers",
     ("packaging.requirements.Requirement",)),
    ("evaluate an environment marker like python_version",
     ("packaging.markers.Marker", "packaging.markers.Marker.evaluate")),
    ("normalize a project name for comparison", ("packaging.utils.canonicalize_name",)),
    ("get the platform tags supported by this interpreter", ("packaging.tags.sys_tags",)),
    ("create a web application object in flask", ("flask.Flask",)),
    ("register a URL route for a view function", ("flask.Flask.route", "flask.Blueprint.route",
                                                  "flask.Flask.add_url_rule")),
    ("return a JSON response from a flask view", ("flask.jsonify",)),
    ("redirect the user to another URL", ("flask.redirect",)),
    ("render a Jinja template from a view", ("flask.render_template",)),
    ("organize views into reusable components with blueprints", ("flask.Blueprint",)),
    ("abort a request with an HTTP error code", ("flask.abort",)),
    ("build a URL for an endpoint by its name", ("flask.url_for",)),
    ("sign data so it cannot be tampered with", ("itsdangerous.Signer",
                                                 "itsdangerous.Serializer",
                                                 "itsdangerous.URLSafeSerializer")),
    ("create a signed token that expires after some time",
     ("itsdangerous.TimestampSigner", "itsdangerous.URLSafeTimedSerializer",
      "itsdangerous.TimedSerializer")),
    ("serialize data into a URL-safe signed string", ("itsdangerous.URLSafeSerializer",
                                                      "itsdangerous.URLSafeTimedSerializer")),
]


def answers(qualname: str, expected: tuple[str, ...]) -> bool:
    """True when `qualname` is one of the expected objects."""
    return any(qualname == e or (e.startswith("*.") and qualname.endswith(e[1:]))
               for e in expected)


def hit_rate(search: object, k: int = 5) -> tuple[float, list[str]]:
    """The share of questions answered in the top `k`, and the questions missed."""
    assert callable(search)
    missed = [q for q, expected in QUESTIONS
              if not any(answers(h.qualname, expected) for h in search(q, k))]
    return 1 - len(missed) / len(QUESTIONS), missed
