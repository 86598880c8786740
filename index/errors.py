"""citebot's exceptions. The core raises these; only the front ends turn them into messages.

CitebotError
 ├── SettingsError        a setting with a value citebot cannot use
 ├── DocumentError        a file or URL that cannot become a document (missing, empty, binary, too big)
 │    └── UnsafeAddress   a URL on a loopback, private or metadata address, refused before connecting
 ├── QuestionError        a question that cannot be asked (empty, too long)
 ├── IndexMissing         no index yet, or no such source in it
 ├── IndexMismatch        the index was built with another embedding model
 ├── IndexLocked          another process is writing to the same index
 ├── KnowledgeBaseError   no knowledge base of that name, one that exists already, or a name not allowed
 ├── StoreUnavailable     Chroma cannot be reached or written (server down, read-only folder)
 ├── Busy                 (bot.discord.gate) too many questions wait; the asker is told to come back later
 ├── LlamaServerFailed    (bot.evaluation.llama) the llama.cpp server for tests and benchmarks did not start
 ├── ModelFailed          the LLM's reply is unusable; recovered from: the offline answer, with a notice
 │    ├── ModelTimedOut   the answer budget ran out before the model finished
 │    └── BrokenReply     the reply was empty or cut off before the model finished
 └── InternalError        a bug in citebot, never the user's doing
      ├── CitationMismatch (bot.answering.citations) a citation's text is not its span
      └── MissingVariables (prompts) a prompt rendered without a value for a placeholder
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


class KnowledgeBaseError(CitebotError):
    """No knowledge base of that name, one that exists already, or a name not allowed."""


class StoreUnavailable(CitebotError):
    """Chroma cannot be reached or written."""


class ModelFailed(CitebotError):
    """The LLM's reply cannot be used; the answerer falls back to the offline answer."""


class ModelTimedOut(ModelFailed):
    """The answer budget ran out before the model finished."""


class BrokenReply(ModelFailed):
    """The reply was empty, or cut off before the model finished."""


class InternalError(CitebotError):
    """A bug in citebot: a promise of its own broken, never something the user did."""


class UnsafeAddress(DocumentError):
    """A URL (or a redirect) to an address citebot will not fetch from: loopback, private, metadata and such."""
