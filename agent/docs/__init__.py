"""Library docs of the installed versions: index them, search them, check code against them."""

from agent.docs.check import Finding, check_code
from agent.docs.environment import EnvironmentUnavailable
from agent.docs.folders import index_folder
from agent.docs.indexer import IndexReport, index_environment
from agent.docs.search import DocHit, search_docs

__all__ = [
    "DocHit",
    "EnvironmentUnavailable",
    "Finding",
    "IndexReport",
    "check_code",
    "index_environment",
    "index_folder",
    "search_docs",
]
