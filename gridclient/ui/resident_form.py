"""The form for one resident (实有人口), opened from the household dialog.

Typing a valid ID number fills birth date and gender; a date or gender typed that
disagrees with the number is flagged, not refused. An ID number already registered on
another live resident is a likely duplicate person: the form names the household and
offers to open it, and never merges anything. The form returns an edited copy of the
resident; the household dialog saves all its members in one unit of work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gridclient.storage.repositories import Repositories
from gridclient.ui.context import AppContext
from gridclient.ui.form_common import (
    InlineMessage,
    emphasize,
    enum_data,
    enum_value,
    make_readable,
    may_see_sensitive,
    scrolling,
)
from gridclient.ui.masked_field import (
    MaskedField,
    mask_certificate,
    mask_id_number,
    mask_phone,
)
from gridclient.ui.plaintext import TextLabel
from gridclient.ui.screen_fit import fit_to_screen
from gridcore.domain import iddocument, idnumber, limits, phone
from gridcore.domain.agegroups import (
    AGE_BOUNDS,
    DERIVED_GROUPS,
    age_groups,
    effective_tags,
    today_cst,
)
from gridcore.domain.entities import Household, Resident
from gridcore.domain.enums import (
    DisabilityCategory,
    EntityKind,
    Gender,
    IdDocumentType,
    PopulationType,
    Relation,
    ResidenceStatus,
    SpecialGroup,
)
from gridcore.domain.grouprules import TagProblem, tag_problems

G = SpecialGroup

#: How the special-group boxes are laid out (title, groups); sensitive groups last. A
#: key ending in ``_more`` continues the row above without a title of its own.
GROUP_SECTIONS: tuple[tuple[str, tuple[SpecialGroup, ...]], ...] = (
    (
        "left_behind",
        (G.LEFT_BEHIND_CHILD, G.LEFT_BEHIND_ELDER, G.LEFT_BEHIND_WOMAN, G.CHILD_IN_DIFFICULTY),
    ),
    ("elderly", (G.ELDERLY_60, G.ELDERLY_80, G.ELDERLY_90, G.ELDERLY_100)),
    ("elderly_more", (G.ELDER_LIVING_ALONE, G.EMPTY_NEST_ELDER, G.CHILDLESS_ELDER)),
    ("care", (G.DISABLED, G.VETERAN_FAMILY, G.VETERAN)),
    ("youth_party", (G.KEY_YOUTH, G.PARTY_MEMBER)),
    (
        "sensitive",
        (G.RELEASED_PRISONER, G.COMMUNITY_CORRECTION, G.DRUG_USER, G.SEVERE_MENTAL_ILLNESS),
    ),
    ("sensitive_more", (G.PETITION_KEY_PERSON, G.AIDS_RISK)),
)
#: Groups whose roster prints the child's guardian (监护人, 监护人电话).
GUARDIAN_GROUPS = frozenset({G.LEFT_BEHIND_CHILD, G.CHILD_IN_DIFFICULTY})


NO_DATE = QDate(1800, 1, 1)

DuplicateHit = tuple[str, str, str]
"""(household id, household address, resident name) of a resident with the same number."""


def find_duplicates(repos: Repositories, number: str, exclude_id: str) -> list[DuplicateHit]:
    hits: list[DuplicateHit] = []
    for other in repos.records.residents_by_id_number(number, exclude_id=exclude_id):
        household = repos.records.get(Household, other.household_id)
        if household is None or household.deleted:
            continue
        hits.append((household.id, household.address, other.name))
    return hits


def _pair(left: QWidget, caption: str, right: QWidget) -> QWidget:
    """Two fields on one form row: ``left``, then ``caption`` and ``right``."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(left, 1)
    label = TextLabel(caption)
    label.setBuddy(right)
    layout.addSpacing(12)
    layout.addWidget(label)
    layout.addWidget(right, 1)
    return row


class ResidentForm(QDialog):
    """Edit a copy of ``resident``; ``result_resident()`` holds it after accept."""

    openHousehold = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        resident: Resident,
        *,
        grid_id: str,
        stored: bool,
        siblings: Mapping[str, str] | None = None,
        on_open_household: Callable[[str], None] | None = None,
        ask_relation: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``stored``: the resident exists in the store (masked numbers, reveal log).
        ``siblings``: ID number → name of the other members being edited alongside.
        ``ask_relation``: the relation to the head starts unchosen and must be picked (a
        new member of a household that has a head: no default fits 子, 女, 配偶 and 父母
        alike, and a silent 其他 would stay wrong in every register)."""
        super().__init__(parent)
        make_readable(self)
        self.ctx = ctx
        self._original = resident
        self._siblings = dict(siblings or {})
        self._sensitive_visible = may_see_sensitive(ctx.user, grid_id)
        self._result: Resident | None = None
        self._auto_birth = False
        self._auto_gender = False
        self._duplicate_household: str | None = None
        if on_open_household is not None:
            self.openHousehold.connect(on_open_household)
        self.setWindowTitle(self.tr("Resident") if stored else self.tr("New resident"))

        record_id = resident.id if stored else None
        self.name_edit = QLineEdit(resident.name)
        self.name_error = InlineMessage()
        self.relation_combo = QComboBox()
        if ask_relation:
            self.relation_combo.addItem(self.tr("(choose)"), None)
        for relation in Relation:
            self.relation_combo.addItem(relation.label, relation)
        self.relation_combo.setCurrentIndex(
            0 if ask_relation else self.relation_combo.findData(resident.relation)
        )
        self.relation_error = InlineMessage()
        self.relation_combo.currentIndexChanged.connect(
            lambda _i: (
                self.relation_error.show_message("")
                if self.relation_combo.currentData() is not None
                else None
            )
        )

        self.id_field = MaskedField(
            ctx,
            EntityKind.RESIDENT,
            record_id,
            "id_number",
            resident.id_number,
            masker=mask_id_number,
        )
        self.id_type_combo = QComboBox()
        for document in IdDocumentType:
            self.id_type_combo.addItem(document.label, document)
        self.id_type_combo.setCurrentIndex(self.id_type_combo.findData(resident.id_type))
        self.id_type_combo.currentIndexChanged.connect(lambda _i: self._id_type_changed())
        self._id_type_changed(check=False)
        self.id_field.textEdited.connect(self._id_changed)
        self.id_field.revealed.connect(lambda: self._id_changed(self.id_field.value()))
        self.id_error = InlineMessage()
        self.id_field.revealFailed.connect(self.id_error.show_message)
        self.mismatch_label = InlineMessage(warning=True)
        self.duplicate_label = InlineMessage(warning=True)
        self.duplicate_button = QPushButton(self.tr("Open that household"))
        self.duplicate_button.hide()
        self.duplicate_button.clicked.connect(self._open_duplicate)

        self.gender_combo = QComboBox()
        self.gender_combo.addItem(self.tr("(not given)"), None)
        for gender in Gender:
            self.gender_combo.addItem(gender.label, gender)
        self.gender_combo.setCurrentIndex(self.gender_combo.findData(resident.gender))
        self.birth_edit = QDateEdit()
        self.birth_edit.setDisplayFormat("yyyy-MM-dd")
        self.birth_edit.setMinimumDate(NO_DATE)
        self.birth_edit.setMaximumDate(QDate.currentDate())
        self.birth_edit.setSpecialValueText(self.tr("(not given)"))
        self.birth_edit.setCalendarPopup(True)
        self.set_birth_date(resident.birth_date)
        self.gender_combo.activated.connect(self._gender_typed)
        self.birth_edit.editingFinished.connect(self._birth_typed)
        self.birth_edit.dateChanged.connect(lambda _d: self._check_mismatch())
        self.gender_combo.currentIndexChanged.connect(lambda _i: self._check_mismatch())

        self.ethnicity_edit = QLineEdit(resident.ethnicity)
        self.phone_field = MaskedField(
            ctx, EntityKind.RESIDENT, record_id, "phone", resident.phone, masker=mask_phone
        )
        self.phone_error = InlineMessage()
        self.phone_field.revealFailed.connect(self.phone_error.show_message)
        self.phone_field.textEdited.connect(lambda _t: self.phone_error.show_message(""))
        self.population_combo = QComboBox()
        for population in PopulationType:
            self.population_combo.addItem(population.label, population)
        self.population_combo.setCurrentIndex(
            self.population_combo.findData(resident.population_type)
        )
        self.status_combo = QComboBox()
        for status in ResidenceStatus:
            self.status_combo.addItem(status.label, status)
        self.status_combo.setCurrentIndex(self.status_combo.findData(resident.residence_status))
        self.workplace_edit = QLineEdit(resident.workplace)
        self.notes_edit = QLineEdit(resident.notes)

        self.group_boxes: dict[SpecialGroup, QCheckBox] = {}
        groups_box = QGroupBox(self.tr("Special groups"))
        groups_layout = QGridLayout(groups_box)
        titles = {
            "left_behind": self.tr("Left behind, children"),
            "elderly": self.tr("Elderly"),
            "care": self.tr("Disability, veterans"),
            "youth_party": self.tr("Youth and party"),
            "sensitive": self.tr("Special populations (restricted)"),
        }
        # Age-bounded groups show what counts today: a 留守儿童 tag on someone who has
        # turned 16 shows unchecked, and saving drops it.
        shown_tags = effective_tags(resident, today_cst())
        for row, (key, members) in enumerate(GROUP_SECTIONS):
            if key.startswith("sensitive") and not self._sensitive_visible:
                continue
            if key in titles:
                groups_layout.addWidget(_section_label(titles[key]), row, 0)
            for column, group in enumerate(members, start=1):
                box = QCheckBox(group.label)
                if group in DERIVED_GROUPS:
                    box.setEnabled(False)
                    box.setToolTip(self.tr("Calculated from the birth date"))
                else:
                    box.setChecked(group in shown_tags)
                    if group in AGE_BOUNDS:
                        box.setToolTip(self.tr("Counted only within its ages"))
                    box.toggled.connect(lambda _on: self._check_tags())
                self.group_boxes[group] = box
                groups_layout.addWidget(box, row, column)
        self.disability_category = QComboBox()
        self.disability_category.addItem(self.tr("(category)"), None)
        for category in DisabilityCategory:
            self.disability_category.addItem(category.label, category)
        self.disability_category.setCurrentIndex(
            self.disability_category.findData(resident.disability_category)
        )
        self.disability_grade = QComboBox()
        self.disability_grade.addItem(self.tr("(grade)"), None)
        for grade, text in enumerate(("一级", "二级", "三级", "四级"), start=1):
            self.disability_grade.addItem(text, grade)
        self.disability_grade.setCurrentIndex(
            self.disability_grade.findData(resident.disability_grade)
        )
        self.certificate_field = MaskedField(
            ctx,
            EntityKind.RESIDENT,
            record_id,
            "disability_certificate",
            resident.disability_certificate,
            masker=mask_certificate,
        )
        self.certificate_field.edit.setPlaceholderText(self.tr("Disability certificate number"))
        self.certificate_field.setMinimumWidth(260)  # 20 characters and the 显示 button
        self.disability_row = QWidget()
        disability_layout = QHBoxLayout(self.disability_row)
        disability_layout.setContentsMargins(0, 0, 0, 0)
        disability_layout.addWidget(_section_label(self.tr("Disability")))
        disability_layout.addWidget(self.disability_category)
        disability_layout.addWidget(self.disability_grade)
        disability_layout.addWidget(self.certificate_field)
        disability_layout.addStretch(1)
        groups_layout.addWidget(self.disability_row, len(GROUP_SECTIONS), 0, 1, 5)

        self.guardian_edit = QLineEdit(resident.guardian)
        self.guardian_edit.setPlaceholderText(self.tr("Guardian: relation and name"))
        self.guardian_phone_field = MaskedField(
            ctx,
            EntityKind.RESIDENT,
            record_id,
            "guardian_phone",
            resident.guardian_phone,
            masker=mask_phone,
        )
        self.guardian_phone_field.edit.setPlaceholderText(self.tr("Guardian's phone"))
        self.guardian_row = QWidget()
        guardian_layout = QHBoxLayout(self.guardian_row)
        guardian_layout.setContentsMargins(0, 0, 0, 0)
        guardian_layout.addWidget(_section_label(self.tr("Guardian")))
        guardian_layout.addWidget(self.guardian_edit, 1)
        guardian_layout.addWidget(self.guardian_phone_field, 1)
        groups_layout.addWidget(self.guardian_row, len(GROUP_SECTIONS) + 1, 0, 1, 5)
        self.tag_error = InlineMessage()
        """What a special-group rule says (留守妇女 only on a woman, 留守儿童 under 16, …)."""
        groups_layout.addWidget(self.tag_error, len(GROUP_SECTIONS) + 2, 0, 1, 5)

        self.group_boxes[G.DISABLED].toggled.connect(self._disability_toggled)
        for group in GUARDIAN_GROUPS:
            self.group_boxes[group].toggled.connect(lambda _on: self._guardian_toggled())
        self.birth_edit.dateChanged.connect(lambda _d: self._show_age_groups())
        self.gender_combo.currentIndexChanged.connect(lambda _i: self._check_tags())
        self._show_age_groups()
        self._disability_toggled(self.group_boxes[G.DISABLED].isChecked())
        self._guardian_toggled()

        form = QFormLayout()
        # Two short fields a row: the whole form is in view on a 1366×768 laptop.
        form.addRow(
            self.tr("Name"),
            _pair(self.name_edit, self.tr("Relation to head"), self.relation_combo),
        )
        form.addRow("", self.name_error)
        form.addRow("", self.relation_error)
        form.addRow(self.tr("Document"), self.id_type_combo)
        form.addRow(self.tr("ID number"), self.id_field)
        form.addRow("", self.id_error)
        form.addRow("", self.mismatch_label)
        # The warning on its own row (it wraps; beside a button it was cut to one and a
        # half lines), its 打开该户 button under it.
        form.addRow("", self.duplicate_label)
        duplicate_row = QHBoxLayout()
        duplicate_row.addWidget(self.duplicate_button)
        duplicate_row.addStretch(1)
        form.addRow("", duplicate_row)
        form.addRow(
            self.tr("Gender"), _pair(self.gender_combo, self.tr("Birth date"), self.birth_edit)
        )
        form.addRow(
            self.tr("Ethnicity"), _pair(self.ethnicity_edit, self.tr("Phone"), self.phone_field)
        )
        form.addRow("", self.phone_error)
        form.addRow(
            self.tr("Population type"),
            _pair(self.population_combo, self.tr("Residence status"), self.status_combo),
        )
        form.addRow(self.tr("Workplace / school"), self.workplace_edit)
        form.addRow(self.tr("Notes"), self.notes_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)

        body = QVBoxLayout()
        body.addLayout(form)
        body.addWidget(groups_box)
        body.addStretch(1)  # spare height below the form, not around wrapped messages
        self.value_error = InlineMessage()
        """A value no store may hold (a control character pasted in, see domain.limits)."""
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.value_error)
        layout.addWidget(self.buttons)
        if resident.id_number and not stored:
            self._id_changed(resident.id_number)
        fit_to_screen(self)  # all fields in view where the screen allows (1366×768)

    # -- birth date and gender ----------------------------------------------------------

    def birth_date(self) -> date | None:
        value = self.birth_edit.date()
        if value == NO_DATE:
            return None
        return date(value.year(), value.month(), value.day())

    def set_birth_date(self, value: date | None) -> None:
        if value is None:
            self.birth_edit.setDate(NO_DATE)
        else:
            self.birth_edit.setDate(QDate(value.year, value.month, value.day))

    def gender(self) -> Gender | None:
        return enum_data(self.gender_combo, Gender)

    def _birth_typed(self) -> None:
        self._auto_birth = False

    def _gender_typed(self, _index: int) -> None:
        self._auto_gender = False

    def id_type(self) -> IdDocumentType:
        return enum_value(self.id_type_combo, IdDocumentType)

    def _id_type_changed(self, *, check: bool = True) -> None:
        """A 居民身份证 number fills in the birth date and gender; a passport's does not."""
        if self.id_type().is_id_number:
            hint = self.tr("18 characters; birth date and gender fill in")
        else:
            hint = self.tr("Letters and digits as on the document")
        self.id_field.edit.setPlaceholderText(hint)
        if check:
            self._id_changed(self.id_field.value())

    def _parsed(self) -> idnumber.IdNumber | None:
        text = self.id_field.value()
        if not text or not self.id_type().is_id_number:
            return None
        try:
            return idnumber.parse(text)
        except idnumber.InvalidIdNumber:
            return None

    def _id_changed(self, text: str) -> None:
        self.duplicate_label.show_message("")
        self.duplicate_button.hide()
        self._duplicate_household = None
        text = text.strip()
        if not text:
            self.id_error.show_message("")
            self._check_mismatch()
            return
        if not self.id_type().is_id_number:
            self.id_error.show_message("")
            self._check_mismatch()
            self._look_for_duplicates(text.upper())
            return
        try:
            parsed = idnumber.parse(text)
        except idnumber.InvalidIdNumber as exc:
            # Too short while typing is not an error yet; everything else is.
            partial = exc.reason is idnumber.IdNumberError.LENGTH and len(text) < 18
            self.id_error.show_message("" if partial else exc.message)
            self._check_mismatch()
            return
        self.id_error.show_message("")
        if self.birth_date() is None or self._auto_birth:
            self.set_birth_date(parsed.birth_date)
            self._auto_birth = True
        if self.gender() is None or self._auto_gender:
            self.gender_combo.setCurrentIndex(self.gender_combo.findData(parsed.gender))
            self._auto_gender = True
        self._check_mismatch()
        self._look_for_duplicates(parsed.number)

    def _check_mismatch(self) -> None:
        parsed = self._parsed()
        if parsed is None:
            self.mismatch_label.show_message("")
            return
        problems = idnumber.mismatch(parsed, self.birth_date(), self.gender())
        self.mismatch_label.show_message("\n".join(problems))

    # -- duplicates ---------------------------------------------------------------------

    def _look_for_duplicates(self, number: str) -> None:
        sibling = self._siblings.get(number)
        if sibling is not None:
            self.duplicate_label.show_message(
                self.tr(
                    "{name} in this household already has this ID number. "
                    "Check whether it is the same person."
                ).format(name=sibling)
            )
        exclude = self._original.id
        self.ctx.read(
            lambda repos: find_duplicates(repos, number, exclude),
            lambda hits: self._show_duplicates(number, hits),
        )

    def _show_duplicates(self, number: str, hits: list[DuplicateHit]) -> None:
        if self.id_field.value().upper() != number or not hits:
            return
        household_id, address, name = hits[0]
        others = self.tr(" (and {count} more)").format(count=len(hits) - 1) if len(hits) > 1 else ""
        self.duplicate_label.show_message(
            self.tr(
                "This ID number is already registered for {name} at {address}{others}. "
                "It may be the same person: check before saving; nothing is merged."
            ).format(name=name, address=address, others=others)
        )
        self._duplicate_household = household_id
        self.duplicate_button.show()

    def _open_duplicate(self) -> None:
        if self._duplicate_household is not None:
            self.openHousehold.emit(self._duplicate_household)

    # -- special groups -----------------------------------------------------------------

    def _disability_toggled(self, checked: bool) -> None:
        self.disability_row.setVisible(checked)

    def _guardian_toggled(self) -> None:
        """The guardian row shows for a 留守儿童 or 困境儿童, or when one is recorded."""
        child = any(self.group_boxes[g].isChecked() for g in GUARDIAN_GROUPS)
        recorded = bool(self._original.guardian or self._original.guardian_phone)
        self.guardian_row.setVisible(child or recorded)

    def _show_age_groups(self) -> None:
        """老年人 60+/80+/90+/100+ follow the birth date (CST today); the boxes are
        read-only."""
        derived = age_groups(self.birth_date(), today_cst())
        for group in DERIVED_GROUPS:
            box = self.group_boxes.get(group)
            if box is not None:
                box.setChecked(group in derived)
        self._check_tags()

    def tag_rule_problems(self) -> list[TagProblem]:
        """The special-group rules the form's values break (the server checks the same):
        the gender rule always, the age rules for the groups ticked here (all of them
        when the birth date was changed)."""
        tags = self.tags()
        birth = self.birth_date()
        if birth != self._original.birth_date:
            checked = set(tags)
        else:
            checked = set(tags) - effective_tags(self._original, today_cst())
        return tag_problems(tags, self.gender(), birth, today_cst(), checked=checked)

    def _check_tags(self) -> bool:
        problems = self.tag_rule_problems()
        self.tag_error.show_message("\n".join(p.message for p in problems))
        return not problems

    def tags(self) -> frozenset[SpecialGroup]:
        """The tags to store: never the age groups (derived), so saving an edited record
        also drops any stale age tag an older client stored."""
        shown = {g for g, box in self.group_boxes.items() if box.isChecked()}
        hidden = {g for g in self._original.tags if g not in self.group_boxes}
        return frozenset(shown | hidden) - DERIVED_GROUPS

    # -- accept ---------------------------------------------------------------------------

    def validate(self) -> Resident | None:
        """The edited resident, or None after showing what is wrong."""
        ok = True
        name = self.name_edit.text().strip()
        self.name_error.show_message("" if name else self.tr("Enter the name."))
        ok = ok and bool(name)
        chosen = self.relation_combo.currentData() is not None
        self.relation_error.show_message(
            "" if chosen else self.tr("Choose the relation to the head of household.")
        )
        ok = ok and chosen
        number = self.id_field.value()
        if number:
            try:
                number = iddocument.check_document(self.id_type(), number)
                self.id_error.show_message("")
            except idnumber.InvalidIdNumber as exc:
                self.id_error.show_message(exc.message)
                ok = False
        phone_text = self.phone_field.value()
        if phone_text:
            try:
                phone_text = phone.parse(phone_text).number
                self.phone_error.show_message("")
            except phone.InvalidPhone as exc:
                self.phone_error.show_message(exc.message)
                ok = False
        guardian_phone = self.guardian_phone_field.value()
        if guardian_phone:
            try:
                guardian_phone = phone.parse(guardian_phone).number
            except phone.InvalidPhone as exc:
                self.tag_error.show_message(
                    self.tr("Guardian's phone: {problem}").format(problem=exc.message)
                )
                return None
        if not self._check_tags():
            ok = False
        if not ok:
            return None
        tags = self.tags()
        disabled = SpecialGroup.DISABLED in tags
        category = enum_data(self.disability_category, DisabilityCategory) if disabled else None
        grade = self.disability_grade.currentData() if disabled else None
        return dataclasses.replace(
            self._original,
            name=name,
            id_number=number,
            id_type=self.id_type(),
            gender=self.gender(),
            birth_date=self.birth_date(),
            relation=enum_value(self.relation_combo, Relation),
            ethnicity=self.ethnicity_edit.text().strip(),
            phone=phone_text,
            population_type=enum_value(self.population_combo, PopulationType),
            residence_status=enum_value(self.status_combo, ResidenceStatus),
            tags=tags,
            disability_category=category,
            disability_grade=grade if isinstance(grade, int) else None,
            disability_certificate=self.certificate_field.value() if disabled else "",
            guardian=self.guardian_edit.text().strip(),
            guardian_phone=guardian_phone,
            workplace=self.workplace_edit.text().strip(),
            notes=self.notes_edit.text().strip(),
        )

    def try_accept(self) -> None:
        edited = self.validate()
        if edited is None:
            return
        try:  # the member is saved with the household: say it here, not at that save
            limits.check_record(edited)
        except limits.InvalidValue as exc:
            self.value_error.show_message(exc.message)
            return
        self.value_error.show_message("")
        self._result = edited
        self.accept()

    def result_resident(self) -> Resident | None:
        return self._result


def _section_label(text: str) -> QLabel:
    return emphasize(TextLabel(text))
