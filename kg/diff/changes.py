"""What a change report says: the change types and one change, as every output writes them.

The types are a closed list, declared in the ontology as the SKOS scheme
``kg:ChangeTypeScheme`` (each concept's ``skos:notation`` is the code below), so
the CSV's ``change`` column, the JSON's ``change`` and the change graph's
``kg:changeType`` name the same thing. ``unchanged`` types (a mark whose column
label moved only because the law was renumbered; an organisation written
another way) are reported so that a reader sees they were looked at and why
they are not changes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ChangeType:
    """A kind of change: code, concept in the ontology, labels, and whether it is a real change."""

    code: str
    concept: str  # local name in the kg namespace
    ja: str
    en: str
    unchanged: bool = False


_TYPES = (
    ChangeType("measure-added", "MeasureAdded", "施策の追加", "measure added"),
    ChangeType("measure-removed", "MeasureRemoved", "施策の削除", "measure removed"),
    ChangeType("measure-renumbered", "MeasureRenumbered", "施策番号の変更", "measure renumbered"),
    ChangeType("measure-renamed", "MeasureRenamed", "施策名の変更", "measure renamed"),
    ChangeType("measure-split", "MeasureSplit", "施策の分割", "measure split"),
    ChangeType("measure-merged", "MeasureMerged", "施策の統合", "measure merged"),
    ChangeType("description-changed", "DescriptionChanged", "課題・取組概要の変更", "description changed"),
    ChangeType("kpi-added", "KPIAdded", "KPIの追加", "KPI added"),
    ChangeType("kpi-removed", "KPIRemoved", "KPIの削除", "KPI removed"),
    ChangeType("kpi-rewritten", "KPIRewritten", "KPIの文言の変更", "KPI rewritten"),
    ChangeType("kpi-deadline-moved", "KPIDeadlineMoved", "KPIの期限の変更", "KPI deadline moved"),
    ChangeType("kpi-target-changed", "KPITargetChanged", "KPIの目標値の変更", "KPI target changed"),
    ChangeType("kpi-status-changed", "KPIStatusChanged", "KPIが見込・実績に",
               "KPI became a projection or result"),
    ChangeType("lead-added", "LeadAdded", "主担当の追加", "lead organisation added"),
    ChangeType("lead-removed", "LeadRemoved", "主担当の削除", "lead organisation removed"),
    ChangeType("organization-added", "OrganizationAdded", "参加府省庁の追加",
               "participating organisation added"),
    ChangeType("organization-removed", "OrganizationRemoved", "参加府省庁の削除",
               "participating organisation removed"),
    ChangeType("organization-renamed", "OrganizationRenamed", "府省庁名の表記の変更（同じ組織）",
               "organisation written another way (same organisation)", unchanged=True),
    ChangeType("concerned-changed", "ConcernedMinistriesChanged", "「関係府省庁」の有無の変更",
               "'ministries concerned' flag changed"),
    ChangeType("mark-added", "MarkAdded", "印の追加", "mark added"),
    ChangeType("mark-removed", "MarkRemoved", "印の削除", "mark removed"),
    ChangeType("mark-strength-changed", "MarkStrengthChanged", "印の◎・○の変更", "mark strength changed"),
    ChangeType("mark-renumbered", "MarkRenumbered", "条番号の変更のみ（同じ条項）",
               "column label changed by the law's renumbering only (same provision)", unchanged=True),
    ChangeType("mark-confidence-changed", "MarkConfidenceChanged", "印の確信度の変更",
               "mark confidence changed"),
)
TYPES: dict[str, ChangeType] = {t.code: t for t in _TYPES}

#: The columns of the CSV report, and the keys of each change in the JSON report.
COLUMNS = (
    "old_edition", "new_edition", "lineage", "old_id", "new_id", "name", "change", "aspect", "old", "new",
    "note", "detail",
)


@dataclass(frozen=True)
class Change:
    """One change of one measure (through its lineage) between two editions.

    ``aspect`` names the part that changed (``KPI 2``, ``◎ 34条``, an
    organisation); ``old``/``new`` are the values as text (empty when there is
    none); ``note`` says in Japanese what the diff concluded and why;
    ``detail`` is a character-level diff for texts (see :mod:`kg.diff.text`).
    """

    lineage: str
    old_id: str
    new_id: str
    name: str
    change: str
    aspect: str = ""
    old: str = ""
    new: str = ""
    note: str = ""
    detail: str = ""

    @property
    def type(self) -> ChangeType:
        return TYPES[self.change]

    def row(self, old_edition: str, new_edition: str) -> dict[str, str]:
        return {"old_edition": old_edition, "new_edition": new_edition, **asdict(self)}
