"""Read user files with limits, so that no input can hang or crash a reader.

Only regular files are opened (a named pipe would block, ``/dev/zero``
would never end); files, nesting, numbers and key counts have upper
limits; duplicate JSON keys are refused. Every failure is a
:class:`~hnn_netpyne.errors.ParameterError` naming the file.
"""

import json
import os
import stat

from hnn_netpyne.errors import ParameterError

MAX_PARAM_FILE_BYTES = 10 * 2**20
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 100


def read_text(path, max_bytes=MAX_PARAM_FILE_BYTES):
    """UTF-8 text of the regular file ``path``, at most ``max_bytes`` long.

    Raises
    ------
    ParameterError
        If the path is missing, not a regular file (folder, pipe, device),
        too large, unreadable or not UTF-8.
    """
    source = str(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise ParameterError(f"cannot read file ({err.strerror})", source=source) from None
    if not stat.S_ISREG(info.st_mode):
        raise ParameterError("not a regular file (a folder, pipe or device cannot be read)",
                             source=source)
    if info.st_size > max_bytes:
        raise ParameterError(f"file of {info.st_size} bytes is larger than the limit of "
                             f"{max_bytes} bytes", source=source)
    try:
        with open(path, "rb") as fid:
            raw = fid.read(max_bytes + 1)
    except OSError as err:
        raise ParameterError(f"cannot read file ({err.strerror})", source=source) from None
    if len(raw) > max_bytes:
        raise ParameterError(f"file is larger than the limit of {max_bytes} bytes", source=source)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError("file is not UTF-8 text", source=source) from None


def _checked_number(kind, convert, source):
    def parse(text):
        if len(text) > MAX_NUMBER_CHARS:
            raise ParameterError(f"a number of {len(text)} characters is longer than the limit "
                                 f"of {MAX_NUMBER_CHARS} ({text[:40]}...)", source=source)
        return convert(text)

    parse.__name__ = f"parse_{kind}"
    return parse


def _depth_and_keys(data, source, max_keys):
    """Check nesting depth and total key count without recursion."""
    todo, n_keys = [(data, 1)], 0
    while todo:
        value, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise ParameterError(f"nested deeper than {MAX_DEPTH} levels", source=source)
        if isinstance(value, dict):
            n_keys += len(value)
            if n_keys > max_keys:
                raise ParameterError(f"more than {max_keys} keys", source=source)
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, depth + 1) for v in value)


def parse_json(text, source, max_keys=10_000):
    """Parse JSON text with limits on depth, numbers and keys; no duplicate keys.

    Parameters
    ----------
    text : str
        The JSON text.
    source : str
        File name for messages.
    max_keys : int
        Most keys in all objects together.

    Returns
    -------
    data : object

    Raises
    ------
    ParameterError
        Naming the file, and the line and column of a syntax error.
    """
    def pairs(items):
        data = {}
        for key, value in items:
            if key in data:
                raise ParameterError("duplicate key", source=source, key=key, value=value)
            data[key] = value
        return data

    try:
        data = json.loads(text, object_pairs_hook=pairs,
                          parse_int=_checked_number("int", int, source),
                          parse_float=_checked_number("float", float, source))
    except json.JSONDecodeError as err:
        raise ParameterError(f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}",
                             source=source) from None
    except RecursionError:
        raise ParameterError(f"nested deeper than {MAX_DEPTH} levels", source=source) from None
    _depth_and_keys(data, source, max_keys)
    return data


def read_json(path, max_bytes=MAX_PARAM_FILE_BYTES, max_keys=10_000):
    """The data of the JSON file ``path``, read with :func:`read_text`'s and :func:`parse_json`'s limits."""
    return parse_json(read_text(path, max_bytes), str(path), max_keys)
