"""Settings, errors, security primitives, audit log, clock and extension registry shared by every feature."""
