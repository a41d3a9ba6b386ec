"""The service categories of the directory, as an HSDS taxonomy.

The categories are those the research behind the product found NGOs provide on the way to work
(shared/background/), and, as neighbours, the services people need alongside. Each term has a
stable UUID so that exports from different offices agree, a short code used in filters and on
the command line, and a label translated through the catalogs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from caseworker.core.i18n import N_, _

TAXONOMY_ID = "5b0a3f0e-7c1f-5a57-9c55-63617365776b"  # "Caseworker service categories"
TAXONOMY_NAME = "Caseworker service categories"
_NAMESPACE = uuid.UUID(TAXONOMY_ID)


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label_msgid: str
    neighbour: bool = False  # a neighbouring service (housing, health…), not a step into work

    @property
    def id(self) -> str:
        """The HSDS taxonomy_term id: a UUID derived from the code, the same everywhere."""
        return str(uuid.uuid5(_NAMESPACE, self.code))

    @property
    def label(self) -> str:
        return _(self.label_msgid)


CATEGORIES: tuple[Category, ...] = (
    Category("language-course", N_("Language course")),
    Category("civic-orientation", N_("Civic orientation")),
    Category("cv-cover-letter", N_("CV and cover letter")),
    Category("interview-preparation", N_("Interview preparation")),
    Category("recognition", N_("Recognition of qualifications and skills")),
    Category("work-permit-contract", N_("Work permit and contract paperwork")),
    Category("mentoring", N_("Mentoring")),
    Category("training-internship-volunteering", N_("Vocational training, internships and volunteering")),
    Category("legal-guidance", N_("Legal and administrative guidance")),
    Category("labour-rights", N_("Labour rights and exploitation")),
    Category("entrepreneurship", N_("Entrepreneurship")),
    Category("housing", N_("Housing"), neighbour=True),
    Category("health", N_("Health"), neighbour=True),
    Category("childcare", N_("Childcare"), neighbour=True),
    Category("psychosocial-support", N_("Psychosocial support"), neighbour=True),
)

BY_CODE = {category.code: category for category in CATEGORIES}
BY_ID = {category.id: category for category in CATEGORIES}
