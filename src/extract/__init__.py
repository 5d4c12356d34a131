"""plan-extract: actions, owners, dates and inspection codes from plan documents.

>>> from extract import extract_file, read_document, Settings
"""

__version__ = "0.1.0"

from .errors import ExtractError
from .pipeline import extract_file
from .readers import read as read_document
from .records import ExtractedDocument
from .settings import Settings

__all__ = ["extract_file", "read_document", "ExtractedDocument", "Settings", "ExtractError"]
