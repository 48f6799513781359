"""Cell models of a SONATA export: hoc templates and SWC morphologies.

Both are written from the NetPyNE cell rules (``netParams['cellParams']``),
so they describe exactly the cells hnn-netpyne builds.

Section numbering
-----------------
SONATA numbers the sections of a morphology as follows: the soma is 0, then
the axon, basal and apical sections, each group in the order in which its
sections first appear in the SWC file. The hoc templates name their
sections ``soma[0]``, ``axon[i]``, ``dend[i]`` (basal) and ``apic[i]`` in
that numbering and fill the ``all`` SectionList in the same order, so an
edge's ``afferent_section_id`` is both the SWC section id and the index into
the template's ``all``. Every template also carries ``hnn_names``, a List of
Strings holding hnn-netpyne's section name for each entry of ``all``.

HNN cells are stick models whose sections join end to end without branching
in places (apical_1 -> apical_2 -> apical_tuft). To keep those boundaries in
the SWC, every section starts with a copy of its parent point carrying its
own radius, and a section never follows its only-child parent directly in
the file; NEURON's Import3d then splits the sections exactly as the
template does. Readers that merge unbranched chains (MorphIO) see fewer
sections than NEURON does.

The SWC soma is HNN's two-point cylinder, not the single-point sphere the
SONATA guide recommends: a sphere would change the soma's area and the ends
(0 or 1) at which the dendrites attach.
"""

import itertools

from hnn_netpyne.cells.morphology import segment_centres
from hnn_netpyne.checks import check_range
from hnn_netpyne.errors import ExportError, ParameterError

SWC_TYPES = {"soma": 1, "axon": 2, "dend": 3, "apic": 4}
"""SWC structure identifier of each hoc section array."""

EXCLUDED_MECHANISMS = ("dipole",)
"""Mechanisms left out of the templates (dipole recording only)."""


def hoc_array(name, sec):
    """hoc section array ('soma', 'axon', 'dend' or 'apic') of a NetPyNE section."""
    if "topol" not in sec or not sec["topol"]:
        return "soma"
    lowered = name.lower()
    if "axon" in lowered:
        return "axon"
    if "apic" in lowered:
        return "apic"
    return "dend"


def _parent(sec):
    topol = sec.get("topol") or {}
    return topol.get("parentSec")


def _check_topology(cell_type, secs):
    roots = [name for name, sec in secs.items() if _parent(sec) is None]
    if len(roots) != 1:
        raise ExportError(f"{cell_type}: expected one root section (the soma), found {roots}")
    for name, sec in secs.items():
        if "pt3d" not in sec.get("geom", {}) or len(sec["geom"]["pt3d"]) < 2:
            raise ExportError(f"{cell_type}: section {name!r} has no 3-D points")
        topol = sec.get("topol") or {}
        if topol:
            if float(topol.get("childX", 0.0)) != 0.0:
                raise ExportError(f"{cell_type}: section {name!r} connects by its 1 end")
            if float(topol["parentX"]) not in (0.0, 1.0):
                raise ExportError(
                    f"{cell_type}: section {name!r} attaches at {topol['parentX']} of its "
                    "parent; SWC files can only attach at a section end"
                )
    return roots[0]


def _file_order(secs, root):
    """Order of the sections in the SWC file.

    Parents come before children, and no section directly follows a parent
    of which it is the only child (else SWC readers join the two). Among
    valid orders, the first in (section type, rule order) preference wins.
    """
    names = list(secs)
    children = {name: [c for c in names if _parent(secs[c]) == name] for name in names}
    rank = {"axon": 0, "dend": 1, "apic": 2}
    preference = sorted((n for n in names if n != root),
                        key=lambda n: (rank[hoc_array(n, secs[n])], names.index(n)))

    def extend(order, left):
        if not left:
            return order
        last = order[-1]
        for name in left:
            parent = _parent(secs[name])
            if parent not in order:
                continue
            if parent == last and len(children[parent]) == 1:
                continue
            found = extend(order + [name], [n for n in left if n != name])
            if found:
                return found
        return None

    # Trees are small (at most a dozen sections): a depth-first search is instant.
    return extend([root], preference) or [root] + preference


def section_layout(cell_type, rule):
    """Section order, hoc names and SWC order of one cell rule.

    Parameters
    ----------
    cell_type : str
        Cell type (for messages).
    rule : dict
        NetPyNE cellParams rule with ``secs`` (geometry, ``pt3d``, ``topol``).

    Returns
    -------
    layout : dict
        ``sections``: hnn-netpyne section names in SONATA id order (the
        template's ``all``); ``hoc``: name -> hoc name such as 'apic[2]';
        ``file_order``: names in SWC file order; ``swc_type``: name -> SWC
        type.
    """
    secs = rule["secs"]
    root = _check_topology(cell_type, secs)
    file_order = _file_order(secs, root)
    by_array = {"soma": [], "axon": [], "dend": [], "apic": []}
    for name in file_order:
        by_array[hoc_array(name, secs[name])].append(name)
    hoc = {}
    for array, members in by_array.items():
        for i, name in enumerate(members):
            hoc[name] = f"{array}[{i}]"
    sections = list(itertools.chain(*by_array.values()))
    return {
        "sections": sections,
        "hoc": hoc,
        "counts": {array: len(members) for array, members in by_array.items()},
        "file_order": file_order,
        "swc_type": {name: SWC_TYPES[hoc_array(name, secs[name])] for name in secs},
    }


def section_ids(cell_type, rule):
    """hnn-netpyne section name -> SONATA section id (index in ``all``)."""
    return {name: i for i, name in enumerate(section_layout(cell_type, rule)["sections"])}


# --- SWC -------------------------------------------------------------------


def swc_text(cell_type, rule):
    """SWC morphology of one cell rule, in the rule's cell-local µm.

    Parameters
    ----------
    cell_type : str
        Cell type, named in the header.
    rule : dict
        NetPyNE cellParams rule.

    Returns
    -------
    text : str
        Header comments (section table) and one line per sample point:
        ``id type x y z radius parent``.
    """
    layout = section_layout(cell_type, rule)
    secs = rule["secs"]
    rows, first_id, last_id = [], {}, {}
    for name in layout["file_order"]:
        sec = secs[name]
        swc_type = layout["swc_type"][name]
        parent = _parent(sec)
        if parent is None:
            attach = -1
        else:
            end = float(sec["topol"]["parentX"])
            attach = last_id[parent] if end == 1.0 else first_id[parent]
        for k, (x, y, z, diam) in enumerate(sec["geom"]["pt3d"]):
            point_id = len(rows) + 1
            rows.append((point_id, swc_type, x, y, z, diam / 2.0,
                         attach if k == 0 else point_id - 1))
            if k == 0:
                first_id[name] = point_id
        last_id[name] = len(rows)
    ids = {name: i for i, name in enumerate(layout["sections"])}
    header = [
        f"# {cell_type}: hnn-netpyne (HNN) cell morphology, written by hnn-netpyne export-sonata",
        "# Coordinates in µm, cell-local: the soma's 0 end is at the origin.",
        "# Every section starts with a copy of its parent point carrying its own radius.",
        "# section_id hoc_name hnn_name swc_type first_point last_point",
    ]
    for name in layout["sections"]:
        header.append(f"# {ids[name]} {layout['hoc'][name]} {name} {layout['swc_type'][name]} "
                      f"{first_id[name]} {last_id[name]}")
    lines = [f"{i} {t} {x!r} {y!r} {z!r} {r!r} {p}" for i, t, x, y, z, r, p in rows]
    return "\n".join(header + lines) + "\n"


# --- hoc template ----------------------------------------------------------


def _num(value):
    """A float as hoc reads it back exactly."""
    try:
        return repr(check_range("value", value))
    except ParameterError as err:
        raise ExportError(f"cannot write a hoc number: {err}") from None


def _mechanism_lines(name, sec):
    lines = []
    nseg = int(sec["geom"].get("nseg", 1))
    for mech, params in sec.get("mechs", {}).items():
        if mech in EXCLUDED_MECHANISMS:
            continue
        lines.append(f"        insert {mech}")
        for param, value in params.items():
            if isinstance(value, (list, tuple)):
                values = list(value) * nseg if len(value) == 1 else list(value)
                if len(values) != nseg:
                    raise ExportError(f"section {name!r}: {param}_{mech} has {len(values)} "
                                      f"values for {nseg} segments")
                # One value per segment, addressed by the segment's centre.
                for x, v in zip(segment_centres(nseg), values):
                    lines.append(f"        {param}_{mech}({_num(x)}) = {_num(v)}")
            elif isinstance(value, str):
                raise ExportError(f"section {name!r}: {param}_{mech} is a string expression, "
                                  "which the export does not evaluate")
            else:
                lines.append(f"        {param}_{mech} = {_num(value)}")
    if sec.get("ions"):
        raise ExportError(f"section {name!r}: ion parameters are not exported")
    return lines


def _header_lines(cell_type, rule, layout):
    """Comment, declarations and ``init`` of the template."""
    arrays = [a for a, n in layout["counts"].items() if n]
    lists = "".join(f", {lst}" for lst in rule.get("secLists", {}))
    out = [
        f"// {cell_type}: hnn-netpyne (HNN) cell, written by hnn-netpyne export-sonata from the",
        "// NetPyNE cell rule. Sections (afferent_section_id: hoc name = hnn-netpyne name):",
    ]
    out += [f"//   {i}: {layout['hoc'][name]} = {name}" for i, name in enumerate(layout["sections"])]
    return out + [
        "",
        '{load_file("stdlib.hoc")}  // String, for hnn_names',
        "",
        f"begintemplate {cell_type}",
        "public " + ", ".join(arrays) + ", all, somatic, axonal, basal, apical" + lists
        + ", hnn_names, init_v, morphology",
        "create " + ", ".join(f"{a}[{layout['counts'][a]}]" for a in arrays),
        "objref all, somatic, axonal, basal, apical, hnn_names, fih, this" + lists,
        "strdef morphology",
        "",
        "proc init() {",
        "    // bmtk passes the morphology file; the geometry below is authoritative.",
        "    if (numarg() > 0) { morphology = $s1 }",
        "    build_topology()",
        "    build_geometry()",
        "    build_biophysics()",
        "    build_section_lists()",
        "    // Type 0: after finitialize has set every v to v_init, before INITIAL blocks.",
        '    fih = new FInitializeHandler(0, "init_v()", this)',
        "}",
        "",
    ]


def _topology_lines(secs, hoc):
    """``proc build_topology``: each child's ``connect`` to its parent."""
    out = ["proc build_topology() {"]
    for name, sec in secs.items():
        topol = sec.get("topol") or {}
        if topol:
            out.append(f"    connect {hoc[name]}({_num(topol.get('childX', 0.0))}), "
                       f"{hoc[topol['parentSec']]}({_num(topol['parentX'])})")
    return out + ["}", ""]


def _geometry_lines(secs, hoc):
    """``proc build_geometry``: cable properties and 3-D points of every section.

    ``L`` is set once more after the points, which NEURON stores in single
    precision, so that it scales them to the exact length, as hnn-core and
    hnn-netpyne's runner do (see :mod:`hnn_netpyne.runtime.geometry`).
    """
    out = ["proc build_geometry() {"]
    for name, sec in secs.items():
        geom = sec["geom"]
        out.append(f"    {hoc[name]} {{  // {name}")
        for key in ("L", "diam", "Ra", "cm", "nseg"):
            if key in geom:
                value = int(geom[key]) if key == "nseg" else _num(geom[key])
                out.append(f"        {key} = {value}")
        out.append("        pt3dclear()")
        for x, y, z, d in geom["pt3d"]:
            out.append(f"        pt3dadd({_num(x)}, {_num(y)}, {_num(z)}, {_num(d)})")
        if "L" in geom:
            out.append(f"        L = {_num(geom['L'])}  // exact length: scales the points")
        out.append("    }")
    return out + ["    define_shape()  // children back onto their parents' ends", "}", ""]


def _biophysics_lines(secs, hoc):
    """``proc build_biophysics``: the mechanisms of every section."""
    out = ["proc build_biophysics() {"]
    for name, sec in secs.items():
        out.append(f"    {hoc[name]} {{  // {name}")
        out += _mechanism_lines(name, sec)
        out.append("    }")
    return out + ["}", ""]


def _section_list_lines(rule, layout):
    """``proc build_section_lists``: SONATA's standard lists, the rule's, and HNN names."""
    hoc = layout["hoc"]
    out = ["proc build_section_lists() {", "    all = new SectionList()",
           "    hnn_names = new List()"]
    for name in layout["sections"]:
        out.append(f"    {hoc[name]} all.append()")
        out.append(f'    hnn_names.append(new String("{name}"))')
    lists = {"somatic": "soma", "axonal": "axon", "basal": "dend", "apical": "apic"}
    for lst, array in lists.items():
        out.append(f"    {lst} = new SectionList()")
        out += [f"    {hoc[name]} {lst}.append()" for name in layout["sections"]
                if hoc[name].startswith(array + "[")]
    for lst, members in rule.get("secLists", {}).items():
        out.append(f"    {lst} = new SectionList()")
        out += [f"    {hoc[name]} {lst}.append()" for name in members]
    return out + ["}", ""]


def _init_v_lines(secs, hoc):
    """``proc init_v``: each section's initial potential (mV)."""
    out = ["// Initial potential of each section, in NetPyNE's order (shared end",
           "// nodes take the value of the section set last).", "proc init_v() {"]
    out += [f"    {hoc[name]}.v = {_num(sec['vinit'])}" for name, sec in secs.items()
            if "vinit" in sec]
    return out + ["}", ""]


def hoc_template(cell_type, rule):
    """hoc template of one cell rule.

    The template builds the sections with the rule's geometry (the same
    ``L``, ``diam``, ``Ra``, ``cm``, ``nseg`` and 3-D points, in the same
    order as NetPyNE), inserts the mechanisms with their per-section or
    per-segment values, and sets each section's initial potential (``vinit``)
    from an FInitializeHandler of type 0, as NetPyNE does, so a plain
    ``finitialize(v_init)`` starts every cell as hnn-netpyne does.

    ``init`` accepts an optional morphology path (bmtk passes one); the
    geometry is always the template's own.

    Parameters
    ----------
    cell_type : str
        Template name.
    rule : dict
        NetPyNE cellParams rule.

    Returns
    -------
    text : str
    """
    layout = section_layout(cell_type, rule)
    secs, hoc = rule["secs"], layout["hoc"]
    out = (_header_lines(cell_type, rule, layout) + _topology_lines(secs, hoc)
           + _geometry_lines(secs, hoc) + _biophysics_lines(secs, hoc)
           + _section_list_lines(rule, layout) + _init_v_lines(secs, hoc)
           + [f"endtemplate {cell_type}", ""])
    return "\n".join(out)
