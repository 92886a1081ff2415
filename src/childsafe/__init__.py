"""ChildSafe: an open, self-hostable platform for child online protection."""

__version__ = "0.1.0"
