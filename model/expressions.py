"""String expressions in specs: a small whitelisted grammar, checked and evaluated safely.

NetPyNE lets some spec values be strings that it turns into Python code
(``eval`` of a ``lambda``): connection weights and delays, stimulation
amplitudes, section geometry and mechanism values, point-cell parameters,
synaptic mechanism parameters.
A string from a file could therefore run anything. This module accepts only

* numbers (finite, at most 40 characters) and the constant ``pi``;
* the position variables NetPyNE defines for the rule's kind (``pre_x``,
  ``post_y``, ``dist_3D``, ... for connections, ``post_x``, ... for stimuli,
  ``dist_path``, ``x``, ... for cell values);
* ``+ - * /``, powers (``**`` with a plain number of magnitude <= 100 as the
  exponent, not nested directly), unary minus and parentheses;
* the functions ``exp``, ``log``, ``log10``, ``sqrt``, ``sin``, ``cos``,
  ``tan`` and ``abs`` of one argument.

:func:`check_spec_expressions` checks every string NetPyNE would evaluate
before NetPyNE sees the specs; :func:`evaluate` computes an accepted
expression with numpy from its syntax tree (the raw string is never
evaluated).
"""

import ast
import math

import numpy as np

from hnn_netpyne.errors import ParameterError

MAX_EXPRESSION_CHARS = 1000
MAX_NUMBER_CHARS = 40
MAX_EXPONENT = 100.0

FUNCTIONS = {"exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt,
             "sin": np.sin, "cos": np.cos, "tan": np.tan, "abs": np.abs}
CONSTANTS = {"pi": math.pi}
_AXES = ("x", "y", "z")
CONN_VARIABLES = frozenset(
    [f"{side}_{a}{n}" for side in ("pre", "post", "dist") for a in _AXES for n in ("", "norm")]
    + ["dist_3D", "dist_3D_border", "dist_2D", "dist_norm3D", "dist_norm2D"])
STIM_VARIABLES = frozenset(f"post_{a}{n}" for a in _AXES for n in ("", "norm"))
CELL_VARIABLES = frozenset([f"{a}{n}" for a in _AXES for n in ("", "norm")]
                           + ["dist_path", "dist_euclidean"])
POINT_CELL_VARIABLES = frozenset(f"{a}{n}" for a in _AXES for n in ("", "norm"))
SYN_MECH_VARIABLES = STIM_VARIABLES | {"post_dist_path", "post_dist_euclidean"}

# Spec keys whose string values NetPyNE 1.1.1 evaluates (network.py's
# connStringFuncParams and stimStringFuncParams, conn.py's extra keys).
CONN_EXPRESSION_KEYS = ("weight", "delay", "synsPerConn", "loc", "probability",
                        "convergence", "divergence")
STIM_EXPRESSION_KEYS = ("del", "dur", "amp", "gain", "rstim", "tau1", "tau2", "onset", "tau",
                        "gmax", "e", "i", "interval", "rate", "number", "start", "noise",
                        "weight", "delay", "synsPerConn", "loc")
# popParams keys NetPyNE keeps as tags; the others of a point-cell population
# are parameters it may evaluate (pop.py's excludeTags).
_POP_TAG_KEYS = {"pop", "cellModel", "cellType", "numCells", "cellsList", "gridSpacing",
                 "xRange", "yRange", "zRange", "xnormRange", "ynormRange", "znormRange",
                 "vref", "spkTimes", "dynamicRates"}
_POINTP_RESERVED = {"mod", "loc", "vref", "synList"}
# synMechParams keys NetPyNE does not evaluate (SynMechParams.reservedKeys;
# NetPyNE 1.1.1 spells selfNetcon both ways).
_SYN_MECH_RESERVED = {"label", "mod", "selfNetCon", "selfNetcon", "loc", "pointerParams"}


class ExpressionError(ParameterError):
    """A string in the specs that is not an expression of the allowed grammar."""


def _fail(rule, expression, reason):
    shown = expression if len(expression) <= 200 else expression[:200] + "..."
    raise ExpressionError(f"{rule}: expression {shown!r} is not allowed: {reason} (allowed: "
                          "numbers, position variables, + - * / **, exp, log, log10, sqrt, "
                          "sin, cos, tan, abs)")


def _number(node):
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"the constant {value!r} is not a number"
    if len(repr(value)) > MAX_NUMBER_CHARS or not math.isfinite(float(value)):
        return "a number is too long or not finite"
    return None


def _power(node):
    exponent = node.right
    if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, (ast.USub, ast.UAdd)):
        exponent = exponent.operand
    if not (isinstance(exponent, ast.Constant) and _number(exponent) is None
            and abs(exponent.value) <= MAX_EXPONENT):
        return f"the exponent of ** must be a plain number of magnitude <= {MAX_EXPONENT:g}"
    if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Pow):
        return "powers of powers are not allowed; use one exponent"
    return None


def _node_problem(node, variables):
    """Why ``node`` is outside the grammar, or None."""
    if isinstance(node, ast.Expression):
        return None
    if isinstance(node, ast.Constant):
        return _number(node)
    if isinstance(node, ast.Name):
        if node.id in variables or node.id in CONSTANTS or node.id in FUNCTIONS:
            return None
        return f"unknown name {node.id!r} (variables here: {', '.join(sorted(variables))})"
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            return _power(node)
        return None if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)) else \
            f"operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.UnaryOp):
        return None if isinstance(node.op, (ast.USub, ast.UAdd)) else \
            f"operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.Call):
        if (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
                and len(node.args) == 1 and not node.keywords):
            return None
        return "only exp, log, log10, sqrt, sin, cos, tan and abs of one argument may be called"
    if isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
        return None
    return f"{type(node).__name__} is not part of the grammar"


def parse_expression(expression, variables=CONN_VARIABLES, rule="expression"):
    """Parse ``expression`` and check it against the grammar.

    Parameters
    ----------
    expression : str
        The string from the specs.
    variables : collection of str
        The variable names allowed here.
    rule : str
        Where the string is (``connParams['L2Pyr_L5Pyr'].weight``), for errors.

    Returns
    -------
    tree : ast.Expression
        The checked syntax tree.

    Raises
    ------
    ExpressionError
        Naming the rule, the expression and the reason.
    """
    if not isinstance(expression, str):
        raise ExpressionError(f"{rule}: expected a string expression, got {expression!r:.200}")
    if len(expression) > MAX_EXPRESSION_CHARS:
        _fail(rule, expression, f"longer than {MAX_EXPRESSION_CHARS} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        _fail(rule, expression, f"not a valid expression ({type(err).__name__})")
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        problem = _node_problem(node, variables)
        if problem:
            _fail(rule, expression, problem)
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
            _fail(rule, expression, f"{node.id} must be called")
    return tree


def _value(node, namespace):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return namespace[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, namespace)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](_value(node.args[0], namespace))
    left, right = _value(node.left, namespace), _value(node.right, namespace)
    operators = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
                 ast.Div: np.divide, ast.Pow: np.power}
    return operators[type(node.op)](left, right)


def evaluate(expression, rule="expression", **variables):
    """Value of a grammar expression for numpy arrays of the variables.

    Parameters
    ----------
    expression : str | float
        The expression (a number is returned as it is, broadcast).
    rule : str
        Where the expression is, for errors.
    **variables : numpy.ndarray
        Values of the variables it may use (all of the same shape).

    Returns
    -------
    values : numpy.ndarray
        Of the variables' shape, all finite.

    Raises
    ------
    ExpressionError
        If it is outside the grammar, uses a variable not given, or gives
        a value that is not finite (e.g. a division by zero).
    """
    shape = np.shape(next(iter(variables.values()))) if variables else ()
    if isinstance(expression, bool) or not isinstance(expression, (str, int, float)):
        raise ExpressionError(f"{rule}: expected a number or a string expression, "
                              f"got {expression!r:.200}")
    if isinstance(expression, str):
        tree = parse_expression(expression, frozenset(variables), rule)
        with np.errstate(all="ignore"):
            values = _value(tree.body, dict(CONSTANTS, **variables))
    else:
        values = float(expression)
    values = np.broadcast_to(np.asarray(values, dtype=float), shape)
    if not np.all(np.isfinite(values)):
        _fail(rule, str(expression), "it gives values that are not finite")
    return values


def _check_strings(params, variables, where, skip=()):
    """Check every string value of a flat ``params`` dict (keys in ``skip`` excepted)."""
    for key, value in (params or {}).items():
        if isinstance(value, str) and key not in skip:
            parse_expression(value, variables, f"{where}.{key}")


def _check_cell_rule(label, rule):
    where = f"cellParams[{label!r}]"
    _check_strings(rule.get("vars"), CELL_VARIABLES, f"{where}.vars")
    _check_strings(rule.get("params"), POINT_CELL_VARIABLES, f"{where}.params")
    for sec_name, sec in (rule.get("secs") or {}).items():
        sec_where = f"{where}.secs[{sec_name!r}]"
        _check_strings(sec.get("geom"), CELL_VARIABLES, f"{sec_where}.geom")
        for mech, values in (sec.get("mechs") or {}).items():
            _check_strings(values, CELL_VARIABLES, f"{sec_where}.mechs[{mech!r}]")
        for name, values in (sec.get("pointps") or {}).items():
            _check_strings(values, CELL_VARIABLES, f"{sec_where}.pointps[{name!r}]",
                           _POINTP_RESERVED)


def check_spec_expressions(net_params):
    """Check every string of ``net_params`` that NetPyNE would evaluate.

    Parameters
    ----------
    net_params : dict
        A netParams dictionary (plain or NetPyNE's ``Dict``).

    Raises
    ------
    ExpressionError
        For the first string outside the grammar, naming its rule; or if
        ``rxdParams`` (NetPyNE runs its strings as statements) is not empty.
    """
    def section(name):
        value = net_params.get(name) or {}
        return value.items() if isinstance(value, dict) else ()

    if net_params.get("rxdParams"):
        raise ExpressionError("rxdParams: NetPyNE executes its strings as code; "
                              "hnn-netpyne does not accept it")
    for label, rule in section("connParams"):
        for key in CONN_EXPRESSION_KEYS:
            if isinstance(rule.get(key), str):
                parse_expression(rule[key], CONN_VARIABLES, f"connParams[{label!r}].{key}")
    for name in ("stimSourceParams", "stimTargetParams"):
        for label, rule in section(name):
            for key in STIM_EXPRESSION_KEYS:
                if isinstance(rule.get(key), str):
                    parse_expression(rule[key], STIM_VARIABLES, f"{name}[{label!r}].{key}")
    for label, pop in section("popParams"):
        if isinstance(pop.get("density"), str):
            parse_expression(pop["density"], POINT_CELL_VARIABLES,
                             f"popParams[{label!r}].density")
        _check_strings(pop, POINT_CELL_VARIABLES, f"popParams[{label!r}]",
                       _POP_TAG_KEYS | {"density"})
        if isinstance(pop.get("params"), dict):
            _check_strings(pop["params"], POINT_CELL_VARIABLES, f"popParams[{label!r}].params")
    for label, rule in section("cellParams"):
        _check_cell_rule(label, rule)
    for label, mech in section("synMechParams"):
        _check_strings(mech, SYN_MECH_VARIABLES, f"synMechParams[{label!r}]", _SYN_MECH_RESERVED)
