"""A plain-text history of fits (hnn-core's ``generate_opt_history_table``)."""

RULE = "=" * 78


def _value_lines(initial, final):
    """One line per parameter: name, initial value, fitted value."""
    names = list(initial) if isinstance(initial, dict) else []
    finals = list(final.values()) if isinstance(final, dict) else list(final or [])
    lines = [f"  {'parameter':<36}{'initial':>18}{'fitted':>18}"]
    for k, name in enumerate(names):
        fitted = f"{finals[k]:.6g}" if k < len(finals) else "n/a"
        lines.append(f"  {name:<36}{initial[name]:>18.6g}{fitted:>18}")
    return lines


def generate_opt_history_table(opt_results, report_timestamp):
    """A text table of fits: each run's settings, parameters and objective values.

    Parameters
    ----------
    opt_results : list of dict
        One dict per fit with ``initial_params`` (name -> value),
        ``opt_params`` (fitted values, in the same order), ``obj_values``
        (objective per iteration) and optionally ``solver``, ``obj_fun``,
        ``max_iter``, ``target_data``, ``n_trials``, ``psd_f_bands`` (Hz) and
        ``psd_relative_bandpower``.
    report_timestamp : str
        When the report was made (printed in its header).

    Returns
    -------
    table : str
    """
    if not opt_results:
        return "No fit has been run yet."
    lines = [RULE, "FIT HISTORY", f"Made: {report_timestamp}", RULE]
    for run, result in enumerate(opt_results, start=1):
        lines.append(f"Fit {run}: solver {result.get('solver', 'n/a')}, objective "
                     f"{result.get('obj_fun', 'n/a')}, at most {result.get('max_iter', 'n/a')} "
                     "iterations")
        for key in ("target_data", "n_trials", "psd_f_bands", "psd_relative_bandpower"):
            if key in result:
                lines.append(f"  {key}: {result[key]}")
        lines += _value_lines(result.get("initial_params", {}), result.get("opt_params"))
        values = list(result.get("obj_values") or [])
        if values:
            lines.append(f"  objective: first {values[0]:.6g}, last {values[-1]:.6g} "
                         f"({len(values)} iterations)")
        lines.append(RULE)
    return "\n".join(lines)
