"""nhi-scan: find and judge the non-human identities of a cloud estate."""

__version__ = "0.1.0"
