"""Where passages live: the Store over Chroma collections, the BM25 lexical index, per-document statistics,
catalog records, and the index consistency check."""
