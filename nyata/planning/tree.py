"""The performance tree (*pohon kinerja*) and the weak spots SAKIP evaluators look for.

`build_tree` fetches a plan period in a fixed number of queries (one per table, whatever the
number of agencies) and assembles the tree in Python:

vision → missions → goals → province objectives → agency objectives that serve them (a
cross-cutting objective appears under every objective it serves) → sub-objectives → programs →
activities → sub-activities. Agency objectives that serve nothing and programs linked to no
objective are gathered in their own branches so nothing disappears from view.

Weak spots: agency objectives that serve no province objective, province objectives that no
agency serves, indicators without unit or formula, programs linked to no objective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nyata.planning.models import (
    OWNER_KINDS,
    Activity,
    AgencyObjective,
    BudgetCeiling,
    Goal,
    Indicator,
    IndicatorTarget,
    Mission,
    Objective,
    ObjectiveLink,
    PlanPeriod,
    Program,
    SubActivity,
)


class Weak(StrEnum):
    ORPHAN_AGENCY_OBJECTIVE = "orphan_agency_objective"
    UNSERVED_OBJECTIVE = "unserved_objective"
    INDICATOR_INCOMPLETE = "indicator_incomplete"
    UNLINKED_PROGRAM = "unlinked_program"


WEAK_LABELS = {
    Weak.ORPHAN_AGENCY_OBJECTIVE: "Sasaran PD tidak mendukung sasaran strategis mana pun",
    Weak.UNSERVED_OBJECTIVE: "Sasaran strategis tidak didukung perangkat daerah mana pun",
    Weak.INDICATOR_INCOMPLETE: "Indikator tanpa satuan atau rumus",
    Weak.UNLINKED_PROGRAM: "Program tidak terhubung ke sasaran",
}


@dataclass(frozen=True)
class WeakSpot:
    kind: Weak
    code: str
    name: str
    agency: str  # agency code, "" for province items
    detail: str = ""

    @property
    def label(self) -> str:
        return _(WEAK_LABELS[self.kind])


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    polarity: str
    targets: list[tuple[int, Decimal, Decimal | None]]
    is_illustrative: bool
    weak: list[str]
    pk: int


@dataclass
class Node:
    kind: str  # vision, mission, goal, objective, agency_objective, program, activity, ...
    code: str
    name: str
    pk: int | None = None
    agency: str = ""
    is_illustrative: bool = False
    indicators: list[IndicatorRow] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    ceiling: Decimal | None = None  # budget ceiling of the first plan year with one

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS.get(self.kind, self.kind))


KIND_LABELS = {  # marked for the catalogue, translated when shown (kind_label)
    "vision": gettext_noop("Visi"),
    "mission": gettext_noop("Misi"),
    "goal": gettext_noop("Tujuan"),
    "objective": gettext_noop("Sasaran Strategis"),
    "agency_objective": gettext_noop("Sasaran PD"),
    "program": gettext_noop("Program"),
    "activity": gettext_noop("Kegiatan"),
    "sub_activity": gettext_noop("Sub Kegiatan"),
    "group": gettext_noop("Kelompok"),
}


@dataclass
class Tree:
    root: Node
    weak_spots: list[WeakSpot]
    years: list[int]

    def count(self, kind: Weak) -> int:
        return sum(1 for w in self.weak_spots if w.kind == kind)


def build_tree(period: PlanPeriod, agency_id: int | None = None) -> Tree:
    """The tree of a plan period, whole or narrowed to one agency's Renstra."""
    aobj_qs = AgencyObjective.objects.filter(period=period).select_related("agency")
    prog_qs = Program.objects.filter(period=period).select_related("agency")
    ind_qs = Indicator.objects.filter(period=period)
    if agency_id is not None:
        aobj_qs = aobj_qs.filter(agency_id=agency_id)
        prog_qs = prog_qs.filter(agency_id=agency_id)
        ind_qs = ind_qs.filter(agency_id=agency_id) | ind_qs.filter(agency__isnull=True)
    missions = list(Mission.objects.filter(period=period))
    goals = list(Goal.objects.filter(period=period))
    objectives = list(Objective.objects.filter(period=period))
    aobjs = list(aobj_qs)
    links = list(ObjectiveLink.objects.filter(objective__period=period).values_list(
        "agency_objective_id", "objective_id"))
    indicators = list(ind_qs)
    targets: dict[int, list[tuple[int, Decimal, Decimal | None]]] = defaultdict(list)
    for t in IndicatorTarget.objects.filter(indicator__period=period).values_list(
            "indicator_id", "year", "value", "value_high").order_by("year"):
        targets[t[0]].append((t[1], t[2], t[3]))
    programs = list(prog_qs)
    prog_ids = [p.pk for p in programs]
    activities = list(Activity.objects.filter(program_id__in=prog_ids))
    subs = list(SubActivity.objects.filter(activity__program_id__in=prog_ids))
    ceilings: dict[tuple[str, int], Decimal] = {}
    for c in BudgetCeiling.objects.filter(year=period.start_year).values_list(
            "program_id", "activity_id", "sub_activity_id", "amount"):
        for name, pk in zip(("program", "activity", "sub_activity"), c[:3], strict=True):
            if pk:
                ceilings[(name, pk)] = c[3]

    weak: list[WeakSpot] = []
    agency_codes = {a.agency_id: a.agency.code for a in aobjs} | {p.agency_id: p.agency.code for p in programs}

    # Indicators by owner
    ind_by: dict[tuple[str, int], list[IndicatorRow]] = defaultdict(list)
    for i in indicators:
        flags: list[str] = []
        if not i.unit or not i.formula.strip():
            missing = [w for w, ok in ((_("satuan"), i.unit), (_("rumus"), i.formula.strip()))
                       if not ok]
            flags.append(Weak.INDICATOR_INCOMPLETE)
            weak.append(WeakSpot(Weak.INDICATOR_INCOMPLETE, i.code, i.name,
                                 agency_codes.get(i.agency_id or 0, ""),
                                 _("tanpa %(m)s") % {"m": _(" dan ").join(missing)}))
        row = IndicatorRow(i.code, i.name, i.get_unit_display() if i.unit else "", i.polarity,
                           targets.get(i.pk, []), i.is_illustrative, flags, i.pk)
        kind = next(k for k in OWNER_KINDS if getattr(i, f"{k}_id"))
        ind_by[(kind, getattr(i, f"{kind}_id"))].append(row)

    # Budget hierarchy
    sub_nodes: dict[int, list[Node]] = defaultdict(list)
    for s in subs:
        sub_nodes[s.activity_id].append(Node("sub_activity", s.code, s.name, s.pk,
                                             indicators=ind_by[("sub_activity", s.pk)],
                                             ceiling=ceilings.get(("sub_activity", s.pk))))
    act_nodes: dict[int, list[Node]] = defaultdict(list)
    for a in activities:
        act_nodes[a.program_id].append(Node("activity", a.code, a.name, a.pk,
                                            indicators=ind_by[("activity", a.pk)],
                                            children=sub_nodes[a.pk],
                                            ceiling=ceilings.get(("activity", a.pk))))
    prog_by_aobj: dict[int, list[Node]] = defaultdict(list)
    unlinked: list[Node] = []
    for p in programs:
        node = Node("program", p.code, p.name, p.pk, agency=p.agency.code,
                    is_illustrative=p.is_illustrative, children=act_nodes[p.pk],
                    indicators=ind_by[("program", p.pk)],
                    ceiling=ceilings.get(("program", p.pk)))
        if p.agency_objective_id:
            prog_by_aobj[p.agency_objective_id].append(node)
        else:
            node.weak.append(Weak.UNLINKED_PROGRAM)
            weak.append(WeakSpot(Weak.UNLINKED_PROGRAM, p.code, p.name, p.agency.code))
            unlinked.append(node)

    # Agency objectives (with sub-objectives)
    serves: dict[int, list[int]] = defaultdict(list)
    served_by: dict[int, list[int]] = defaultdict(list)
    aobj_ids = {a.pk for a in aobjs}
    for aid, oid in links:
        if aid in aobj_ids:
            serves[aid].append(oid)
            served_by[oid].append(aid)
    children_of: dict[int, list[AgencyObjective]] = defaultdict(list)
    for a in aobjs:
        if a.parent_id:
            children_of[a.parent_id].append(a)

    def aobj_node(a: AgencyObjective, depth: int = 0) -> Node:
        node = Node("agency_objective", a.code, a.name, a.pk, agency=a.agency.code,
                    is_illustrative=a.is_illustrative,
                    indicators=ind_by[("agency_objective", a.pk)])
        if depth < 10:  # the cascade is acyclic by construction; the bound is belt and braces
            node.children = [aobj_node(c, depth + 1) for c in children_of[a.pk]]
        node.children += prog_by_aobj[a.pk]
        if not serves[a.pk] and not a.parent_id:
            node.weak.append(Weak.ORPHAN_AGENCY_OBJECTIVE)
        return node

    aobj_by_pk = {a.pk: a for a in aobjs}
    orphans = []
    for a in aobjs:
        if not serves[a.pk] and not a.parent_id:
            weak.append(WeakSpot(Weak.ORPHAN_AGENCY_OBJECTIVE, a.code, a.name, a.agency.code))
            orphans.append(aobj_node(a))

    # Province levels
    obj_by_goal: dict[int, list[Node]] = defaultdict(list)
    for o in objectives:
        served = [aobj_node(aobj_by_pk[aid]) for aid in served_by[o.pk]]
        if agency_id is not None and not served:
            continue  # an agency's tree shows only the province objectives it serves
        node = Node("objective", o.code, o.name, o.pk, is_illustrative=o.is_illustrative,
                    indicators=ind_by[("objective", o.pk)], children=served)
        if not served_by[o.pk]:
            node.weak.append(Weak.UNSERVED_OBJECTIVE)
            weak.append(WeakSpot(Weak.UNSERVED_OBJECTIVE, o.code, o.name, ""))
        obj_by_goal[o.goal_id].append(node)
    goal_by_mission: dict[int | None, list[Node]] = defaultdict(list)
    for g in goals:
        if agency_id is not None and not obj_by_goal[g.pk]:
            continue
        goal_by_mission[g.mission_id].append(
            Node("goal", g.code, g.name, g.pk, indicators=ind_by[("goal", g.pk)],
                 children=obj_by_goal[g.pk]))
    root = Node("vision", "", period.vision or str(period), period.pk,
                is_illustrative=period.is_illustrative)
    for m in missions:
        if agency_id is None or goal_by_mission[m.pk]:
            root.children.append(Node("mission", str(m.number), m.text, m.pk,
                                      children=goal_by_mission[m.pk]))
    root.children += goal_by_mission[None]
    if orphans:
        root.children.append(Node("group", "", _("Sasaran PD yang tidak mendukung sasaran "
                                                 "strategis"), children=orphans,
                                  weak=[Weak.ORPHAN_AGENCY_OBJECTIVE]))
    if unlinked:
        root.children.append(Node("group", "", _("Program yang tidak terhubung ke sasaran"),
                                  children=unlinked, weak=[Weak.UNLINKED_PROGRAM]))
    weak.sort(key=lambda w: (w.kind, w.agency, w.code))
    return Tree(root, weak, period.years)


# --- HTML rendering ---------------------------------------------------------------------------
# The tree can hold thousands of nodes; a recursive {% include %} costs seconds, so the nodes
# are rendered here (every value escaped by format_html).

NODE_WEAK_TEXT = {
    Weak.ORPHAN_AGENCY_OBJECTIVE: "tidak mendukung sasaran strategis",
    Weak.UNSERVED_OBJECTIVE: "tidak didukung PD mana pun",
    Weak.UNLINKED_PROGRAM: "tanpa sasaran",
    Weak.INDICATOR_INCOMPLETE: "tanpa satuan atau rumus",
}


def render_html(node: Node, indicator_url: Callable[[int], str], depth: int = 0) -> SafeString:
    from nyata.planning.templatetags.planning_tags import num

    tag = format_html(' <span class="tag">{}</span>', _("ilustratif"))
    head = [format_html('<span class="plan-kind">{}</span> ', node.kind_label)]
    if node.code:
        head.append(format_html("<code>{}</code> ", node.code))
    head.append(format_html("{}", node.name))
    if node.agency:
        head.append(format_html(' <span class="plan-agency">{}</span>', node.agency))
    if node.is_illustrative:
        head.append(tag)
    if node.ceiling is not None:
        head.append(format_html(' <span class="plan-ceiling">Rp{}</span>', num(node.ceiling)))
    for w in node.weak:
        head.append(format_html(' <span class="plan-weak" data-weak="{}">⚠ {}</span>', w,
                                _(NODE_WEAK_TEXT[Weak(w)])))
    parts = [format_html('<details class="plan-node plan-{}{}"{}><summary>',
                         node.kind, " plan-has-weak" if node.weak else "",
                         mark_safe(" open") if depth < 3 else ""),
             *head, mark_safe("</summary>")]
    if node.indicators:
        parts.append(mark_safe('<ul class="plan-indicators">'))
        for i in node.indicators:
            targets = [format_html(" <small>{}: {}{}</small>", y, num(v),
                                   f"–{num(h)}" if h is not None else "")
                       for y, v, h in i.targets]
            parts.append(format_html(
                '<li><a href="{}">{}</a> {} <small>[{}]</small>{}{}{}</li>',
                indicator_url(i.pk), i.code, i.name, i.unit or "?", mark_safe("".join(targets)),
                tag if i.is_illustrative else "",
                format_html(' <span class="plan-weak" data-weak="indicator_incomplete">⚠ {}</span>',
                            _(NODE_WEAK_TEXT[Weak.INDICATOR_INCOMPLETE])) if i.weak else ""))
        parts.append(mark_safe("</ul>"))
    parts += [render_html(c, indicator_url, depth + 1) for c in node.children]
    parts.append(mark_safe("</details>"))
    return mark_safe("".join(str(p) for p in parts))  # every part is escaped above
