"""Known-content matching: hash banks, signal types (MD5, SHA-256, PDQ, URL) and a memory-mapped PDQ index."""
