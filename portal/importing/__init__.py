"""Move Markdown articles (for example an old blog) into Wagtail ``ArticlePage``s.

``markdown_parser`` (with ``front_matter``) turns a file into a plain :class:`ParsedArticle`;
``writer`` saves those as page revisions. ``import_markdown_files`` is the entry point for
commands and seeders.
"""

from .document import ArticleParseError, ParsedArticle
from .markdown_parser import parse_markdown_file, parse_markdown_text
from .report import FileOutcome, ImportReport
from .writer import ArticleImporter, ArticleIndexMissing, ImportNotAllowed, import_markdown_files

__all__ = [
    "ArticleImporter",
    "ArticleIndexMissing",
    "ArticleParseError",
    "FileOutcome",
    "ImportNotAllowed",
    "ImportReport",
    "ParsedArticle",
    "import_markdown_files",
    "parse_markdown_file",
    "parse_markdown_text",
]
