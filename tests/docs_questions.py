"""Questions about installed packages' APIs, each with the objects that answer it.

QUESTIONS are the ones ranking was developed on: tests/docs/test_docs_search.py asks those
about PACKAGES (the ones its small index holds), the benches ask all of them of a full index.
HELD_OUT were written before any ranking change was tried on them and are only ever
scored as a whole (bench/bench_docs_search.py): a figure for questions nobody tuned on.
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
    # The big libraries of the app's own environment (a full index only).
    ("how do I validate a one-to-one merge in pandas", ("pandas.DataFrame.merge",
                                                         "pandas.merge")),
    ("which Streamlit command shows a chat input", ("streamlit.chat_input",)),
    ("concatenate two pandas DataFrames vertically", ("pandas.concat",)),
    ("read a CSV file into a pandas DataFrame", ("pandas.read_csv",)),
    ("fill missing values in a pandas column", ("pandas.DataFrame.fillna",
                                                 "pandas.Series.fillna")),
    ("sort a DataFrame by the values of a column", ("pandas.DataFrame.sort_values",)),
    ("display a DataFrame as an interactive table in streamlit",
     ("streamlit.dataframe", "streamlit.delta_generator.DeltaGenerator.dataframe")),
    ("add a slider widget to pick a number in streamlit", ("streamlit.slider",)),
    ("lay out widgets side by side in columns in streamlit", ("streamlit.columns",)),
    ("open a session and commit changes with SQLAlchemy",
     ("sqlalchemy.orm.Session", "sqlalchemy.orm.Session.commit", "sqlalchemy.orm.sessionmaker")),
    ("build a SELECT statement with a WHERE clause in SQLAlchemy",
     ("sqlalchemy.select", "sqlalchemy.Select.where")),
    ("create an array of evenly spaced numbers over an interval in numpy",
     ("numpy.linspace", "numpy.arange")),
    ("sum array elements over an axis with numpy", ("numpy.sum",)),
    ("read a CSV file lazily in polars", ("polars.scan_csv",)),
    ("filter rows of a polars DataFrame by a condition", ("polars.DataFrame.filter",
                                                          "polars.LazyFrame.filter")),
    ("validate a field with a custom function in pydantic", ("pydantic.field_validator",)),
    ("serialize a pydantic model to a dict", ("pydantic.BaseModel.model_dump",)),
    ("plot a line chart with plotly express", ("plotly.express.line",)),
]

HELD_OUT_FIRST: list[tuple[str, tuple[str, ...]]] = [
    ("drop rows that have missing values in a pandas DataFrame", ("pandas.DataFrame.dropna",)),
    ("cache the result of an expensive function in streamlit", ("streamlit.cache_data",
                                                                "streamlit.cache_resource")),
    ("create a SQLAlchemy engine from a database URL", ("sqlalchemy.create_engine",)),
    ("define a pydantic field with a default value and a description", ("pydantic.Field",)),
    ("parse a JSON string into a pydantic model", ("pydantic.BaseModel.model_validate_json",
                                                    "pydantic.TypeAdapter.validate_json")),
    ("matrix multiplication of two numpy arrays", ("numpy.matmul", "numpy.dot")),
    ("load a YAML document safely", ("yaml.safe_load",)),
    ("group a polars DataFrame by a column and aggregate", ("polars.DataFrame.group_by",
                                                            "polars.LazyFrame.group_by")),
    ("compile a Jinja template from a string", ("jinja2.Template",
                                                "jinja2.Environment.from_string")),
    ("declare a fixture for tests in pytest", ("pytest.fixture",)),
    ("let the user upload a file in streamlit", ("streamlit.file_uploader",)),
    ("parse a date string of any format with dateutil", ("dateutil.parser.parse",)),
    ("call a Starlette app in tests without running a server",
     ("starlette.testclient.TestClient",)),
    ("send server-sent events from a Starlette endpoint", ("sse_starlette.EventSourceResponse",)),
    ("run a SQL query over a pandas DataFrame with duckdb", ("duckdb.sql", "duckdb.query",
                                                             "duckdb.query_df")),
    ("reshape a pandas DataFrame from long to wide format with a pivot",
     ("pandas.DataFrame.pivot", "pandas.pivot", "pandas.pivot_table",
      "pandas.DataFrame.pivot_table")),
    ("scatter plot with plotly express", ("plotly.express.scatter",)),
    ("get the tokenizer encoding used by an OpenAI model with tiktoken",
     ("tiktoken.encoding_for_model",)),
    ("compute the cost of a completion with litellm", ("litellm.completion_cost",)),
    ("load settings from environment variables with pydantic-settings",
     ("pydantic_settings.BaseSettings",)),
    ("take a screenshot of a page with playwright", ("playwright.sync_api.Page.screenshot",
                                                     "playwright.async_api.Page.screenshot")),
    ("encode a JSON Web Token signed with a secret", ("jwt.encode",)),
    ("show a big number metric with its change in streamlit", ("streamlit.metric",)),
    ("convert a column of strings to datetimes in pandas", ("pandas.to_datetime",)),
    ("watch a folder for file system changes", ("watchdog.observers.Observer",)),
    ("match file paths against gitignore patterns", ("pathspec.GitIgnoreSpec",
                                                      "pathspec.PathSpec")),
]
# Written before any search was run on them, in a later round of ranking work.
HELD_OUT_SECOND: list[tuple[str, tuple[str, ...]]] = [
    ("escape HTML special characters in a string", ("markupsafe.escape",)),
    ("get the user's cache directory on any operating system",
     ("platformdirs.user_cache_dir", "platformdirs.user_cache_path")),
    ("load variables from a .env file into the environment", ("dotenv.load_dotenv",)),
    ("decode and verify a JSON Web Token", ("jwt.decode",)),
    ("iterate over the running processes", ("psutil.process_iter",)),
    ("get the CPU utilization as a percentage", ("psutil.cpu_percent",)),
    ("write a pandas DataFrame to a parquet file", ("pandas.DataFrame.to_parquet",)),
    ("run an async function as the entry point with anyio", ("anyio.run",)),
    ("limit how many tasks run at the same time in anyio",
     ("anyio.Semaphore", "anyio.CapacityLimiter")),
    ("cache function results with a time-to-live expiry",
     ("cachetools.TTLCache", "cachetools.func.ttl_cache")),
    ("acquire a lock on a file shared between processes", ("filelock.FileLock",)),
    ("show a progress bar around a loop in the terminal", ("tqdm.tqdm",)),
    ("validate a standard Python dataclass with pydantic", ("pydantic.dataclasses.dataclass",)),
    ("highlight source code with syntax colors", ("pygments.highlight",)),
    ("add a foreign key column referencing another table in SQLAlchemy",
     ("sqlalchemy.ForeignKey",)),
    ("read a parquet file into an Arrow table", ("pyarrow.parquet.read_table",)),
    ("stack numpy arrays vertically", ("numpy.vstack",)),
    ("compute the standard deviation of a numpy array", ("numpy.std",)),
    ("show a spinner while a long task runs in streamlit", ("streamlit.spinner",)),
    ("run an ASGI application with uvicorn from Python code", ("uvicorn.run",)),
    ("query a nested JSON document with a JMESPath expression", ("jmespath.search",)),
    ("detect the character encoding of some bytes",
     ("charset_normalizer.from_bytes", "charset_normalizer.detect")),
    ("join two polars DataFrames on a key column", ("polars.DataFrame.join",
                                                    "polars.LazyFrame.join")),
    ("open a client session to make HTTP requests with aiohttp", ("aiohttp.ClientSession",)),
]
HELD_OUT = HELD_OUT_FIRST + HELD_OUT_SECOND


def answers(qualname: str, expected: tuple[str, ...]) -> bool:
    """True when `qualname` is one of the expected objects."""
    return any(qualname == e or (e.startswith("*.") and qualname.endswith(e[1:]))
               for e in expected)


def about(packages: tuple[str, ...], questions: list[tuple[str, tuple[str, ...]]] = QUESTIONS
          ) -> list[tuple[str, tuple[str, ...]]]:
    """The questions whose answers all live in these (import) packages."""
    return [(q, expected) for q, expected in questions
            if all(e.split(".")[0] in packages for e in expected if not e.startswith("*."))]


def hit_rate(search: object, questions: list[tuple[str, tuple[str, ...]]], k: int = 5
             ) -> tuple[float, list[str]]:
    """The share of questions answered in the top `k`, and the questions missed."""
    assert callable(search)
    missed = [q for q, expected in questions
              if not any(answers(h.qualname, expected) for h in search(q, k))]
    return 1 - len(missed) / len(questions), missed
