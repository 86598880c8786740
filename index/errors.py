"""citebot's exceptions. The core raises these; only the front ends turn them into messages.

CitebotError
 ├── SettingsError        a setting with a value citebot cannot use
 ├── DocumentError        a file or URL that cannot become a document (missing, empty, binary, too big)
 │    └── UnsafeAddress   a URL on a loopback, private or metadata address, refused before connecting
 ├── QuestionError        a question that cannot be asked (empty, too long)
 ├── IndexMissing         no index yet, or no such source in it
 ├── IndexMismatch        the index was built with another embedding model
 ├── IndexLocked          another process is writing to the same index
 ├── StoreUnavailable     Chroma cannot be reached or written (server down, read-only folder)
 └── AnswerUnavailable    the LLM failed and no fallback was possible
"""


class CitebotError(Exception):
    """Base of every error citebot reports to a user."""


class SettingsError(CitebotError):
    """A setting with a value citebot cannot use."""


class DocumentError(CitebotError):
    """A file or URL that cannot become a document."""


class QuestionError(CitebotError):
    """A question that cannot be asked."""


class IndexMissing(CitebotError):
    """No index, or no such source in it."""


class IndexMismatch(CitebotError):
    """The index was built with another embedding model."""


class IndexLocked(CitebotError):
    """Another process is writing to the same index."""


class StoreUnavailable(CitebotError):
    """Chroma cannot be reached or written."""


class AnswerUnavailable(CitebotError):
    """The answerer failed and no fallback was possible."""


class UnsafeAddress(DocumentError):
    """A URL (or a redirect) to an address citebot will not fetch from: loopback, private, metadata and such."""
