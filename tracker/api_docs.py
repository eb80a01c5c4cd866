"""What each field of the API means, for the schema: one glossary in the API's words.

Serializer fields with a help text of their own keep it; the others are described here, by
name, or by component and name where one name means two things ("kind" of an organisation, of
an area). The suite checks that no field of the schema is left undescribed.
"""

from __future__ import annotations

import re
from typing import Any

FIELDS = {
    "acronym": "Its short name, if any.",
    "amount": "Money pledged, as an exact decimal string, in `currency`.",
    "amount_committed": "Money committed so far, as an exact decimal string, in the pledge's "
    "currency.",
    "amount_disbursed": "Money spent so far, as an exact decimal string, in the pledge's currency.",
    "area": "Code of the area observed (`/api/v1/areas/`).",
    "baseline_value": "Where the metric stood at the baseline year, an exact decimal string.",
    "baseline_year": "The year of the baseline value.",
    "built_at": "When it was built (UTC).",
    "challenges": "What held implementation back, in the pledgers' words.",
    "code": "Its stable code.",
    "commissions": "Codes of the UN regional commissions the country belongs to.",
    "countries": "ISO 3166 alpha-3 codes of the countries of implementation.",
    "country": "ISO 3166 alpha-3 code of its country, or null.",
    "created_at": "When it was created (UTC).",
    "custodian": "The agency that keeps the indicator.",
    "cutoff": "The data cut-off: the report counts what was published by then (UTC).",
    "cycle": "Code of the IMRF review cycle (`/api/v1/cycles/`).",
    "deadline": "When the pledge is to be fulfilled.",
    "description": "Its text.",
    "direction": "Which way is progress: increase (higher is better), decrease or unspecified.",
    "evidence": "Links and files given as evidence.",
    "figures": "The report's key figures, by label.",
    "files": "The report's files (PDF, workbook, zip of CSVs) with their size and address.",
    "form_financial": "The pledge is a financial contribution.",
    "form_human_resources": "The pledge gives people's time or expertise.",
    "form_policy": "The pledge changes a policy, law or regulation.",
    "form_process": "The pledge sets up or changes a process (a programme, a platform...).",
    "forms": "The forms the pledge takes: financial, human_resources, process, policy.",
    "forum_end": "Last day of the International Migration Review Forum, when known.",
    "forum_location": "Where the Forum meets.",
    "forum_start": "First day of the Forum, when known.",
    "forum_year": "The year of the Forum.",
    "further_objectives": "Numbers of the other GCM objectives the pledge advances.",
    "id": "Its number: stable, never reused.",
    "implementation_status": "Where implementation stands: planned, in_progress, "
    "partially_fulfilled, fulfilled or discontinued.",
    "indicator": "Code of the indicator (`/api/v1/indicators/`).",
    "indicator_set": "Code of the indicator's set.",
    "invited_email": "The address invited, for a partner not registered yet; else null.",
    "is_global": "The pledge is implemented worldwide rather than in named places.",
    "iso2": "ISO 3166 alpha-2 code, for countries.",
    "iso3": "ISO 3166 alpha-3 code, for countries.",
    "joint_kind": "individual, common (several pledgers, one commitment) or partnership.",
    "kind": "Its kind.",
    "lead_organisation": "The organisation that leads the pledge.",
    "letter": "The principle's letter, a to j, as the Compact lists them.",
    "m49": "UN M49 code.",
    "main_objectives": "Numbers of up to three main GCM objectives, most important first.",
    "matches": "Reference of the published pledge this one funds or supports, or null.",
    "measured_on": "When the value was measured.",
    "measurements": "Values measured against the pledge's targets.",
    "name": "Its name.",
    "narrative": "What happened, in the pledgers' words.",
    "language": "The language its text is written in: a code such as fr, es, ar or pt.",
    "next": "The address of the next page, or null on the last.",
    "number": "The objective's number, 1 to 23.",
    "objectives": "Numbers of the GCM objectives it measures.",
    "organisation": "The organisation concerned (its id).",
    "own_metric": "A metric of the pledge's own, when the target is not on an indicator.",
    "parent": "Code of the area it is part of (M49 hierarchy), or null for the world.",
    "partners": "Accredited organisations that accepted to pledge with the lead.",
    "partnerships": "Every partner invited, with where its answer stands.",
    "percent_complete": "How far implementation has come, 0 to 100, as the pledgers judge.",
    "period_end": "Last day of the period observed.",
    "period_start": "First day of the period observed.",
    "pledge": "Reference of the pledge.",
    "pledging_closes": "Last day pledges are taken for the cycle, if the secretariat set one.",
    "pledging_opens": "First day pledges are taken for the cycle, if the secretariat set one.",
    "previous": "The address of the previous page, or null on the first.",
    "principles": "Letters of the guiding principles the pledge applies.",
    "public_url": "Its public page, once published; else null.",
    "published_at": "When the secretariat published it (UTC).",
    "published_on": "When this version of the set was published.",
    "reference": "The pledge's public reference, GCM-<forum year>-<number>: stable, citable.",
    "regions": "Codes of the regions of implementation (M49, or a commission's acronym).",
    "reported_on": "The date the update reports on.",
    "reporting_closes": "Last day of the cycle's reporting window, if set.",
    "reporting_opens": "First day of the cycle's reporting window, if set.",
    "reporting_status": "reporting, due, overdue or inactive: whether progress comes in as "
    "the reporting policy expects.",
    "results": "The records of this page.",
    "review_state": "Where it stands in review: draft, submitted, changes_requested, "
    "published, rejected, withdrawn or merged.",
    "role": "Your role in it: member or focal_point.",
    "rows": "How many rows each list holds, by list.",
    "scope": "What the report covers: global, region, country, objective or kind.",
    "scope_label": "The scope in words.",
    "sdg_code": "The SDG indicator it draws on, if any.",
    "set_version": "The version of the indicator's set.",
    "sha256": "SHA-256 of the file, to check a download.",
    "short_name": "A shorter name, for charts and tables.",
    "short_title": "A shorter title, for charts and tables.",
    "source": "Where it comes from.",
    "start_date": "When implementation starts.",
    "status": "invited, accepted or declined.",
    "support_needed": "What support the pledgers ask for.",
    "target": "The id of one of the pledge's targets.",
    "target_value": "The value to reach by the target year, an exact decimal string.",
    "target_year": "The year the target is to be reached.",
    "targets": "The pledge's measurable targets, baseline to target.",
    "title": "Its title.",
    "unit": "The unit values are in.",
    "updated_at": "When it last changed (UTC).",
    "url": "Its address.",
    "value": "The value, an exact decimal string.",
    "verification_level": "How far the update is borne out: self_reported, evidenced, "
    "verified (by the secretariat) or corroborated (by a third party).",
    "version": "Its version: each save adds one; send it back when editing.",
    "website": "Its website.",
}
# Where a name means something else in one kind of record.
BY_COMPONENT = {
    "Area.kind": "world, region, subregion, intermediate, commission or country.",
    "Area.code": "ISO 3166 alpha-3 for countries, M49 for regions, acronym for commissions.",
    "Area.name": "The area's name.",
    "Cycle.code": "The cycle's code, e.g. IMRF-2026.",
    "Cycle.title": "The cycle's name.",
    "Evidence.title": "What the evidence is.",
    "Evidence.url": "The link given, or null for a file.",
    "Indicator.name": "The indicator's name.",
    "Indicator.id": "Its id: name it as a target's `indicator` when drafting a pledge.",
    "IndicatorSet.code": "The set's code, the same across its versions.",
    "IndicatorSet.version": "The version's label.",
    "IndicatorSet.name": "The set's name.",
    "IndicatorSet.description": "What the set is for.",
    "IndicatorSet.source": "Where the set comes from (the Progress Declaration, para. 70...).",
    "Invitation.id": "The invitation's id: accept or decline it by this.",
    "Invitation.title": "The title of the pledge.",
    "Invitation.lead_organisation": "The id of the organisation that invites.",
    "Invitation.organisation": "The id of your organisation that is invited.",
    "Measurement.target": "The target's position in the pledge's list of targets, from 0.",
    "Membership.id": "The organisation's id: lead a pledge with it.",
    "Membership.name": "The organisation's name.",
    "Membership.kind": "The organisation's kind.",
    "Objective.title": "The objective as the Compact words it.",
    "Objective.description": "What the objective commits to.",
    "Observation.indicator": "Code of the indicator observed.",
    "Observation.source": "The source the office names for the value.",
    "Observation.unit": "The unit of the value.",
    "OpenData.url": "The download's address.",
    "Organisation.kind": "member_state, local_government, parliament, civil_society, "
    "migrant_diaspora, private_sector, trade_union, academia, nhri, media, youth, "
    "faith_based...",
    "Organisation.name": "The organisation's name.",
    "Organisation.url": "Its public page.",
    "OrganisationRef.kind": "The organisation's kind (see `/api/v1/organisations/`).",
    "OrganisationRef.name": "The organisation's name.",
    "OrganisationRef.id": "The organisation's id (`/api/v1/organisations/`).",
    "Partnership.id": "The invitation's id.",
    "Partnership.organisation": "The id of the invited organisation, or null before an "
    "invitation by address is claimed.",
    "Pledge.url": "The pledge's public page.",
    "PledgeDetail.url": "The pledge's public page.",
    "Pledge.lead_organisation": "The organisation that leads the pledge.",
    "PledgeRecord.url": "The pledge in the write API: read, edit and submit it there.",
    "PledgeRecord.lead_organisation": "The id of the organisation that leads the pledge.",
    "PledgeSummary.url": "The pledge in the write API.",
    "PledgeSummary.lead_organisation": "The id of the organisation that leads the pledge.",
    "Principle.title": "The principle as the Compact words it.",
    "Principle.description": "What the principle asks.",
    "Report.id": "The report's id; its page is /reports/<id>/.",
    "Target.indicator": "Code of the indicator the target is on, or null for a metric of the "
    "pledge's own.",
    "Update.organisation": "The name of the owner organisation that reports.",
    "Update.id": "The update's id.",
    "UpdateRecord.url": "The update in the write API: read, edit and submit it there.",
    "UpdateRecord.id": "The update's id.",
    "UpdateRecord.organisation": "The id of the owner organisation that reports.",
}
# Components of requests take the names of what they write.
_REQUEST = re.compile(r"^(Patched)?(?P<name>.+?)(Request)?$")


def describe_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook of drf-spectacular: every field without a description of its
    own gets the glossary's."""
    for component, schema in result.get("components", {}).get("schemas", {}).items():
        name = _REQUEST.match(component).group("name")  # type: ignore[union-attr]
        base = name.removesuffix("Input")
        for field, spec in schema.get("properties", {}).items():
            if spec.get("description"):
                continue
            for key in (f"{name}.{field}", f"{base}.{field}", field):
                text = BY_COMPONENT.get(key) or (FIELDS.get(key) if key == field else None)
                if text:
                    spec["description"] = text
                    break
    return result
