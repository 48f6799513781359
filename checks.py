"""Checks of user-given values, shared by every module that takes input.

One function per kind of check, after hnn-core's ``_validate_type`` and
``_check_option``: the type of a value, one of a set of options, and a
number within a range. Each raises :class:`~hnn_netpyne.errors.ParameterError`
naming the argument and the value, and returns the value when it is good.
"""

import inspect
import math
import numbers
import os
import warnings

from hnn_netpyne.errors import ParameterError

_TYPE_ALIASES = {
    "int": ((numbers.Integral,), "an integer"),
    "numeric": ((numbers.Real,), "a number"),
    "path-like": ((str, os.PathLike), "a path"),
    "str": ((str,), "a string"),
    "callable": ((), "a callable"),
}


def _accepts(item, kind):
    if kind == "callable":
        return callable(item)
    if kind is None:
        return item is None
    if kind in ("int", "numeric", int, float):
        # Python's bool is an int; a flag given for a number is a mistake.
        classes = numbers.Integral if kind in ("int", int) else numbers.Real
        return isinstance(item, classes) and not isinstance(item, bool)
    if isinstance(kind, str):
        return isinstance(item, _TYPE_ALIASES[kind][0])
    return isinstance(item, kind)


def _describe(kind):
    if kind is None:
        return "None"
    if isinstance(kind, str):
        return _TYPE_ALIASES[kind][1]
    return kind.__name__


def validate_type(item, types, item_name, type_name=None):
    """Check that ``item`` is of one of ``types``.

    Parameters
    ----------
    item : object
        The value to check.
    types : type | str | None | tuple
        Accepted types: classes, None, or the names ``'int'`` (integers, not
        bool), ``'numeric'`` (real numbers, not bool), ``'path-like'``,
        ``'str'`` and ``'callable'``. The classes ``int`` and ``float`` stand
        for ``'int'`` and ``'numeric'`` (numpy numbers pass, bool does not).
    item_name : str
        Name of the argument or key, for the message.
    type_name : str | None
        What to call the accepted types in the message.

    Returns
    -------
    item : object
        ``item``, unchanged.

    Raises
    ------
    ParameterError
        If ``item`` is of none of ``types``.
    """
    kinds = types if isinstance(types, tuple) else (types,)
    if any(_accepts(item, kind) for kind in kinds):
        return item
    if type_name is None:
        type_name = " or ".join(_describe(kind) for kind in kinds)
    raise ParameterError(f"{item_name} must be {type_name}, got {type(item).__name__}",
                         key=item_name, value=item)


def check_option(parameter, value, allowed_values, extra=""):
    """Check that ``value`` is one of ``allowed_values``.

    Parameters
    ----------
    parameter : str
        Name of the argument or key.
    value : object
        The value to check.
    allowed_values : sequence
        The accepted values.
    extra : str
        Appended to the message (a hint).

    Returns
    -------
    value : object
        ``value``, unchanged.

    Raises
    ------
    ParameterError
        If ``value`` is not among ``allowed_values``.
    """
    if value in list(allowed_values):
        return value
    raise ParameterError(f"{parameter} must be one of {list(allowed_values)}{extra}",
                         key=parameter, value=value)


def check_range(parameter, value, low=-math.inf, high=math.inf, *, integer=False,
                low_open=False, high_open=False):
    """Check that ``value`` is a finite number in a range.

    Parameters
    ----------
    parameter : str
        Name of the argument or key.
    value : int | float
        The value to check.
    low, high : float
        Bounds of the range (inclusive unless ``low_open``/``high_open``).
    integer : bool
        Require a whole number (bool is refused; 10.0 counts as 10, everywhere
        in the package).
    low_open, high_open : bool
        Exclude the bound itself.

    Returns
    -------
    value : int | float
        ``value`` as a Python int (``integer``) or float.

    Raises
    ------
    ParameterError
        If ``value`` is not a finite number (an integer if asked) in the range.
    """
    if integer and _accepts(value, "numeric") and math.isfinite(value) and value == int(value):
        value = int(value)
    validate_type(value, "int" if integer else "numeric", parameter)
    if not math.isfinite(value):
        raise ParameterError(f"{parameter} must be a finite number", key=parameter, value=value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if below or above:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        what = "an integer" if integer else "a number"
        raise ParameterError(f"{parameter} must be {what} in {left}{low:g}, {high:g}{right}",
                             key=parameter, value=value)
    return int(value) if integer else float(value)


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

