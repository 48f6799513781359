"""Argument checks shared by the hnn-core-style API (in the style of hnn-core's).

Each check raises :class:`~hnn_netpyne.errors.ParameterError`, whose message is
one line naming the argument and the value it got.
"""

import inspect
import warnings

from hnn_netpyne.errors import ParameterError


def _validate_type(value, types, name, type_name=None):
    """Return ``value`` if it is of ``types`` (bool is no int here), else raise.

    Parameters
    ----------
    value : object
        The argument.
    types : type | tuple of type
        Accepted types; ``int`` accepts numpy integers, ``float`` accepts ints.
    name : str
        The argument's name, for the message.
    type_name : str | None
        How to name the accepted types in the message.
    """
    import numbers

    types = types if isinstance(types, tuple) else (types,)
    accepted = []
    for kind in types:
        if kind is int:
            accepted.append(numbers.Integral)
        elif kind is float:
            accepted.append(numbers.Real)
        else:
            accepted.append(kind)
    numeric = any(k in (int, float) for k in types)
    if (numeric and isinstance(value, bool) and bool not in types) or \
            not isinstance(value, tuple(accepted)):
        type_name = type_name or " or ".join(k.__name__ for k in types)
        raise ParameterError(f"{name} must be {type_name}", key=name, value=value)
    return value


def _check_option(name, value, allowed, extra=""):
    """Return ``value`` if it is one of ``allowed``, else raise naming them."""
    if value not in allowed:
        raise ParameterError(f"{name} must be one of {list(allowed)}{extra}", key=name,
                             value=value)
    return value


def _deprecated(where, old, new, note="", stacklevel=3):
    """Warn that ``old`` (in ``where``) is deprecated in favour of ``new``."""
    warnings.warn(f"{where}: {old} is deprecated; use {new} instead{note}", DeprecationWarning,
                  stacklevel=stacklevel)


def _renamed_arguments(func, old_arguments, renames, given):
    """Values of deprecated argument names, under their new names.

    Parameters
    ----------
    func : callable
        The function called; its signature gives the new names' defaults.
    old_arguments : dict
        Keyword arguments the signature does not know.
    renames : dict
        Old name -> new name.
    given : dict
        The values the new-name arguments received.

    Raises
    ------
    TypeError
        For a name that is neither current nor a known old one.
    ParameterError
        If both the old and the new name were given.
    """
    defaults = inspect.signature(func).parameters
    values = {}
    for old, value in old_arguments.items():
        if old not in renames:
            raise TypeError(f"{func.__name__}() got an unexpected keyword argument {old!r}")
        new = renames[old]
        if given[new] != defaults[new].default:
            raise ParameterError(f"{func.__name__}: give {new!r} or its old name {old!r}, "
                                 "not both", key=old, value=value)
        _deprecated(func.__name__, repr(old), repr(new), stacklevel=4)
        values[new] = value
    return values

