"""Where secret material sits in an export, declared as data: each cloud lists its own shapes (``ProviderPlugin.
secret_shapes``: a ``create-access-key`` answer's ``SecretAccessKey``, a key file's ``private_key``), this module the
shapes of no one cloud (a PEM private key block). ``secret_scan`` looks for them in every input file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretField:
    """A JSON field that holds a secret in some export, whenever its value is a non-empty string."""

    key: str
    #: What the value is, in words ("an AWS secret access key").
    looks_like: str
    #: The export it comes in ("an `aws iam create-access-key` answer").
    export: str
    #: Keys the same object must also have: tells the shape from a namesake (a ``password`` beside an ``appId``).
    beside: tuple[str, ...] = ()
    #: Keys of the same object that say whose secret it is (``AccessKeyId``, ``UserName``).
    owner_keys: tuple[str, ...] = ()
    #: Also met inside the listings the cloud's formats read (a password credential's ``secretText`` in an
    #: application listing): searched in recognised files too. The others come only in answers no format reads
    #: (a ``create-access-key`` answer) and are searched in unrecognised files only, one substring pass fewer each
    #: over a large estate's exports.
    listed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretLine:
    """A line of a text export (a credentials file, a console CSV) that holds a secret."""

    #: Substrings one of which every such line holds (tested on the whole file before any line is).
    markers: tuple[str, ...]
    #: Matched against each line holding the marker; an ``owner`` group, if it matched, says whose secret it is.
    pattern: str
    looks_like: str
    export: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretShapes:
    fields: tuple[SecretField, ...] = ()
    lines: tuple[SecretLine, ...] = ()


#: Shapes of no one cloud, looked for in every file.
PEM_PRIVATE_KEY = SecretLine(
    markers=("PRIVATE KEY-----",),
    pattern=r"-----BEGIN[A-Z ]*PRIVATE KEY-----",
    looks_like="a PEM private key",
    export="",
)
