#!/usr/bin/env python3
"""Build strikesim's England scenario library from public NHS statistics.

Reads the public NHS statistics vendored in tools/data/ (or the folder given
with --data) and writes, under scenarios/:

  data/acute-trusts-2016.csv          the project's own trust table
  england-2016-01-12.toml             every acute trust, 24-hour walkout of 12 Jan 2016
  england-2016-01-26-48h.toml         every acute trust, 48-hour walkout of 26 Jan 2016
  sandwell-2016-01-12.toml            Sandwell and West Birmingham (RXK), major incident
  district-general-<code>-2016-01-26.toml   a median-sized trust, 48-hour walkout
  teaching-<code>-2016-01-26.toml     one of the largest trusts, 48-hour walkout

Python 3.11 standard library only. Both folders default to the ones in this
repository, found from this script's own location, so it runs from any
working directory:

    python3 tools/build_england.py            # tools/data/ -> scenarios/

The data files are byte-identical copies of public NHS statistics; their
sources and licences are in tools/data/SOURCES.md. Contains public sector
information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import csv
import math
import pathlib
import sys
from collections import defaultdict

# --------------------------------------------------------------------------
# National targets and national constants
# --------------------------------------------------------------------------

#: Elective operations on a normal weekday, England 2016 (NHS England's
#: update on the industrial action of 12 January 2016).
NATIONAL_OPS_PER_WEEKDAY = 30_000
#: RTT waiting list (incomplete pathways), England, early 2016: 3.5 to 3.7
#: million (NHS England, Referral to Treatment waiting times statistics).
NATIONAL_WAITING_LIST = 3_500_000
#: Weekdays in a year that are not bank holidays (2016-17).
WORKING_DAYS = 252
#: Junior doctors who could have been at work on 12 January 2016 (NHS
#: England's update of that day).
JUNIORS_AT_WORK_ENGLAND = 26_000
#: Juniors per consultant FTE in post, England, about 2015.
JUNIOR_CONSULTANT_RATIO = 1.1

# --------------------------------------------------------------------------
# Calibrated behaviour (docs/VALIDATION.md): set from the 12 January 2016
# figures only. Nothing else in this file was tuned to those figures.
# --------------------------------------------------------------------------

#: Participation comes from each strike's published turnout by one formula
#: (scenarios/README.md, "Participation from a published turnout"): the
#: share of juniors who could have been at work who were at work, as NHS
#: England published it on the day (a planner's input, not a calibration).
#: "Reported for duty" with emergency care provided; one less "not at work"
#: in the full walkout.
TURNOUT_AT_WORK = {
    "2016-01-12": 0.39,
    "2016-02-10": 0.43,
    "2016-03-09": 0.44,
    "2016-04-06": 0.46,
    "2016-04-26": round(1 - 0.78, 2),
}
#: The spread of the national draw around it (the turnout was published on
#: the day; a planner before the day knew it within a few points) and
#: between trusts (calibrated on 12 January 2016).
PARTICIPATION_SD = 0.03
PARTICIPATION_BETWEEN_TRUST_SD = 0.15
#: Share of routine (unprotected) theatre lists stood down in advance, and
#: how many days ahead (12 January 2016: decided Friday 8 January).
STAND_DOWN_THEATRE_SHARE = 0.0
STAND_DOWN_CLINIC_SHARE = 0.0
STAND_DOWN_DAYS_AHEAD = 4
#: Share of the consultants present in a half-day that may act down into
#: junior places (or cover the ward). Recalibrated when the model gained
#: ward cover, clinics that run in part, participation from turnout and
#: admit shares from the national conversion rate (it was 0.28 before): on
#: 12 January, 20 replications each, 0.38 gave 4,096 operations cancelled
#: and 0.44 gave 2,890; 0.41 gives 3,426 (40 replications), against the
#: 3,454 counted.
CONSULTANT_ACT_DOWN_SHARE = 0.41
#: Sandwell: major incident, strikers recalled. The recall share was
#: recalibrated with the act-down share (it was 0.15): on RXK, 100
#: replications each, 0.15 gave 4.3% of elective activity lost, 0.22 gave
#: 2.2%, 0.25 gave 1.6% and 0.3 gave 1.0%, against the 2% Sandwell reported.
SANDWELL_THRESHOLD = 0.5
SANDWELL_RECALL_SHARE = 0.22
SANDWELL_DELAY_HOURS = 0

# --------------------------------------------------------------------------
# The fixed national specialty mix. One "unit" is the six-specialty template
# of the bundled default scenario (West Hertfordshire, RWG): about 152
# admissions a weekday. Each trust gets these specialties scaled by its own
# size. list_share: share of the trust's RTT list; adm_list: share of that
# list past a decision to admit; admit: base share of first appointments
# ending in a decision to admit (re-solved per trust to balance capacity);
# dc/ip: day-case and inpatient cases a weekday in one unit, with the cases
# per list; clinic slots per clinic.
# --------------------------------------------------------------------------

#: First appointments that end in a decision to admit, England: NHS
#: England's quarterly activity return for January-March 2016 counts 1.6
#: million decisions to admit against 4.7 million first outpatient
#: attendances (0.34). The six specialties' base admit shares below (the
#: bundled template's relative mix) are scaled so their mean is that ratio:
#: every elective admission in the model follows a first appointment, so a
#: lower share would need more first appointments than England had (the
#: templates once ran about twice the country's first attendances, of all
#: specialties, in six).
ADMIT_PER_FIRST_ENGLAND = 1.6 / 4.7
BASE_ADMIT = {"100": 0.22, "101": 0.25, "110": 0.22, "120": 0.18, "130": 0.25, "502": 0.18}
ADMIT_SCALE = ADMIT_PER_FIRST_ENGLAND / (sum(BASE_ADMIT.values()) / len(BASE_ADMIT))

SPECIALTIES = [
    # code, name, list_share, adm_list, admit, dc_per_day, dc_cases, dc_junior, ip_per_day, ip_cases, new, fu
    ("100", "General Surgery", 4400, 0.30, BASE_ADMIT["100"] * ADMIT_SCALE, 20, 5, "foundation", 8, 4, 12, 18),
    ("101", "Urology", 2600, 0.30, BASE_ADMIT["101"] * ADMIT_SCALE, 16, 4, "foundation", 5, 5, 12, 18),
    ("110", "Trauma & Orthopaedics", 5000, 0.40, BASE_ADMIT["110"] * ADMIT_SCALE, 20, 5, "foundation", 12, 4, 13, 20),
    ("120", "Ear, Nose & Throat", 3000, 0.30, BASE_ADMIT["120"] * ADMIT_SCALE, 14, 7, "foundation", 3, 3, 13, 20),
    ("130", "Ophthalmology", 3600, 0.35, BASE_ADMIT["130"] * ADMIT_SCALE, 32, 8, None, 2, 2, 12, 18),
    ("502", "Gynaecology", 3268, 0.25, BASE_ADMIT["502"] * ADMIT_SCALE, 16, 4, "foundation", 4, 4, 13, 20),
]
#: Nights an elective inpatient stays after the operation (mean, sd; a
#: lognormal in the model). Set by hand to the order of HES elective
#: ordinary admissions of 2015-16 by main specialty: a few days in general
#: surgery and orthopaedics, one or two in ENT and ophthalmology. The bundled
#: HES file gives stays by trust for all admissions only, so these are
#: national assumptions, the same in every trust.
STAY_NIGHTS = {
    "100": (4.0, 5.0),
    "101": (2.5, 3.0),
    "110": (4.0, 4.0),
    "120": (1.5, 1.5),
    "130": (1.5, 1.5),
    "502": (2.0, 2.0),
}
#: Elective inpatients one junior covers on a day-shift ward round: the
#: thin, weekend-style cover hospitals fall back on in a strike. Each
#: specialty's weekday rota gains the foundation juniors its ward needs at
#: this ratio, with 30% headroom for the busiest days.
WARD_PATIENTS_PER_JUNIOR = 25
WARD_HEADROOM = 1.3

UNIT_DC = sum(s[5] for s in SPECIALTIES)
UNIT_IP = sum(s[8] for s in SPECIALTIES)
UNIT_ADMISSIONS = UNIT_DC + UNIT_IP
UNIT_LIST = sum(s[2] for s in SPECIALTIES)

REMOVAL = 0.004  # removal_rate_per_week (default)
DNA = 0.07  # dna_rate (default)
BACKGROUND_CANCEL = 0.01  # background_cancel_rate (default)

OGL = "Contains public sector information licensed under the Open Government Licence v3.0"

MISSING_RTT_NOTE = "estimated from HES waiting-list admissions (no RTT row for March 2016)"

#: The repository this script lives in, and its default folders.
REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "tools" / "data"
DEFAULT_OUT = REPO / "scenarios"

#: The files read from the data folder (see tools/data/SOURCES.md).
DATA_FILES = [
    "hm_nhs_provider_list_with_org_type.csv",
    "ods_etr_nhs_trusts_snapshot_c2015-16.csv",
    "hm_rtt_incomplete_pathways_by_trust_mar2013-mar2019.csv",
    "hm_hes_apc_elective_split_by_provider_2016-2017.csv",
    "hm_consultants_fte_by_trust_2009-2018.csv",
    "hm_beds_by_trust_2010-2018.csv",
]


def check_data(data: pathlib.Path) -> None:
    """Stop with a plain message (no traceback) if a data file is missing."""
    if not data.is_dir():
        problem = f"the data folder {data} does not exist"
    else:
        missing = [name for name in DATA_FILES if not (data / name).is_file()]
        if not missing:
            return
        problem = f"the data folder {data} lacks " + ", ".join(missing)
    sys.exit(
        f"build_england.py: {problem}.\n"
        f"The data files ship with the repository in {DEFAULT_DATA} (see SOURCES.md there);\n"
        "restore them from Git, or pass a folder holding all of them with --data FOLDER.\n"
        "Files needed: " + ", ".join(DATA_FILES)
    )


def data_label(data: pathlib.Path) -> str:
    """How the scenario headers name the data folder."""
    if data.resolve() == DEFAULT_DATA:
        return "tools/data"
    return str(data)


def read_dicts(path: pathlib.Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def hes_trust(code: str) -> str:
    """HES codes carry suffixes (RXK-X, RXK0X, RXKTC): the trust is the first three."""
    return code.strip().upper()[:3]


SMALL_WORDS = {"and", "of", "the", "for", "at", "on", "in"}


def title_name(ods_name: str) -> str:
    """ODS names are upper case: NHS style title case."""
    words = []
    for i, w in enumerate(ods_name.split()):
        lw = w.lower()
        if w in ("NHS",):
            words.append(w)
        elif i > 0 and lw in SMALL_WORDS:
            words.append(lw)
        else:
            parts = lw.split("-")
            parts = ["'".join(p[:1].upper() + p[1:] if j == 0 else p for j, p in enumerate(part.split("'"))) for part in parts]
            words.append("-".join(parts))
    return " ".join(words)


# --------------------------------------------------------------------------
# The trust table
# --------------------------------------------------------------------------


def build_table(data: pathlib.Path) -> list[dict]:
    providers = read_dicts(data / "hm_nhs_provider_list_with_org_type.csv")
    acute = {p["ORG_CODE"].upper() for p in providers if p["ORG_TYPE"] == "Acute"}

    ods = {}
    with (data / "ods_etr_nhs_trusts_snapshot_c2015-16.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            ods[row[0].strip().upper()] = row

    rtt = {
        r["ORG_CODE"].upper(): r
        for r in read_dicts(data / "hm_rtt_incomplete_pathways_by_trust_mar2013-mar2019.csv")
        if r["YEAR"] == "2015"
    }
    hes = defaultdict(lambda: defaultdict(int))
    for r in read_dicts(data / "hm_hes_apc_elective_split_by_provider_2016-2017.csv"):
        if r["YEAR"] != "2016":
            continue
        t = hes_trust(r["ORG_CODE"])
        for k in ("WAITING_LIST_ADMISSIONS", "PLANNED_ADMISSIONS", "DAYCASE_EPISODES", "ORDINARY_EPISODES"):
            hes[t][k] += int(float(r[k] or 0))
    cons = {
        r["ORG_CODE"].upper(): float(r["SIMPLE_CONSULTANTS_FTE"])
        for r in read_dicts(data / "hm_consultants_fte_by_trust_2009-2018.csv")
        if r["YEAR"] == "2015"
    }
    beds = {
        r["ORG_CODE"].upper(): int(float(r["BEDS"]))
        for r in read_dicts(data / "hm_beds_by_trust_2010-2018.csv")
        if r["YEAR"] == "2015"
    }

    codes = sorted(c for c in acute if c in ods and not ods[c][11].strip())
    missing = sorted(acute - set(codes))
    if missing:
        print(f"acute trusts not open in the ODS list, left out: {missing}", file=sys.stderr)

    rows = []
    for c in codes:
        h = hes[c]
        wl_adm = h["WAITING_LIST_ADMISSIONS"]
        elective = wl_adm + h["PLANNED_ADMISSIONS"]
        # Day cases among elective admissions: HES day-case episodes over
        # elective (waiting-list + planned) admissions, capped.
        dc = min(0.95, h["DAYCASE_EPISODES"] / elective) if elective else 0.8
        r = rtt.get(c)
        rows.append(
            {
                "code": c,
                "name": title_name(ods[c][1]),
                "region": ods[c][2],
                "rtt_list_raw": int(r["N_TOTAL"]) if r else None,
                "within_18w_pct": round(100 * float(r["RTT_SCORE"]), 1) if r else None,
                "wl_admissions_year": wl_adm,
                "day_case_share_raw": dc,
                "consultant_fte": cons.get(c, 0.0),
                "beds": beds.get(c, 0),
            }
        )

    # Trusts with no RTT row: the list from admissions, at the median ratio
    # of list to waiting-list admissions among trusts with both.
    ratios = sorted(r["rtt_list_raw"] / r["wl_admissions_year"] for r in rows if r["rtt_list_raw"] and r["wl_admissions_year"])
    ratio = ratios[len(ratios) // 2]
    have = [r for r in rows if r["within_18w_pct"] is not None]
    pooled_18w = round(
        100 * sum(r["rtt_list_raw"] * r["within_18w_pct"] / 100 for r in have) / sum(r["rtt_list_raw"] for r in have), 1
    )
    for r in rows:
        r["rtt_estimated"] = r["rtt_list_raw"] is None
        if r["rtt_estimated"]:
            r["rtt_list_raw"] = round(ratio * r["wl_admissions_year"])
            r["within_18w_pct"] = pooled_18w

    # Scale to the national totals.
    list_scale = NATIONAL_WAITING_LIST / sum(r["rtt_list_raw"] for r in rows)
    ops_scale = NATIONAL_OPS_PER_WEEKDAY / (sum(r["wl_admissions_year"] for r in rows) / WORKING_DAYS)
    dc_nat = sum(r["day_case_share_raw"] * r["wl_admissions_year"] for r in rows) / sum(r["wl_admissions_year"] for r in rows)
    cons_total = sum(r["consultant_fte"] for r in rows)
    at_work_per_fte = JUNIORS_AT_WORK_ENGLAND / cons_total
    for r in rows:
        r["waiting_list"] = round(r["rtt_list_raw"] * list_scale)
        r["admissions_per_weekday"] = round(r["wl_admissions_year"] / WORKING_DAYS * ops_scale, 1)
        # The trust's day-case share relative to the national one, applied to
        # the mix's share (78%), kept within 0.55 to 0.92.
        r["day_case_share"] = round(min(0.92, max(0.55, UNIT_DC / UNIT_ADMISSIONS * r["day_case_share_raw"] / dc_nat)), 3)
        r["juniors_in_post_est"] = round(r["consultant_fte"] * JUNIOR_CONSULTANT_RATIO)
        r["juniors_at_work_est"] = round(r["consultant_fte"] * at_work_per_fte)
    meta = {
        "list_scale": list_scale,
        "ops_scale": ops_scale,
        "ratio": ratio,
        "pooled_18w": pooled_18w,
        "dc_nat": dc_nat,
        "cons_total": cons_total,
        "at_work_per_fte": at_work_per_fte,
        "missing": missing,
    }
    return rows, meta


# --------------------------------------------------------------------------
# Specialties of one trust
# --------------------------------------------------------------------------


def specialties_for(t: dict) -> list[dict]:
    """Size the six specialties of trust `t` from its totals."""
    s = t["admissions_per_weekday"] / UNIT_ADMISSIONS  # trust scale factor
    dc_share = t["day_case_share"]
    unit_dc_share = UNIT_DC / UNIT_ADMISSIONS
    dc_factor = s * dc_share / unit_dc_share
    ip_factor = s * (1 - dc_share) / (1 - unit_dc_share)
    staff = max(1, round(s))  # emergency floor and spare juniors per grade
    out = []
    for code, name, lshare, adm_list, admit, dc_day, dc_cases, dc_junior, ip_day, ip_cases, new, fu in SPECIALTIES:
        wl = round(t["waiting_list"] * lshare / UNIT_LIST)
        l_adm = wl * adm_list
        l_first = wl - l_adm
        n_dc = max(1, round(dc_day * dc_factor / dc_cases))
        n_ip = max(1, round(ip_day * ip_factor / ip_cases))
        dc_am, dc_pm = (n_dc + 1) // 2, n_dc // 2
        cases_week = 5 * (n_dc * dc_cases + n_ip * ip_cases)
        # Decisions to admit that keep the admitted list steady:
        # theatre cases = (DTA - removals from the admitted list) / 0.99.
        dta = 0.99 * cases_week + REMOVAL * l_adm
        # First appointments (attended) that give those decisions at the
        # base admit share, and the clinics that see them: new slots =
        # firsts * 0.99 / 0.93 (7% DNA, 1% cancelled).
        slots_target = dta / admit * 0.99 / (1 - DNA)
        n_clinics = max(2, round(slots_target / 5 / new))
        slots = 5 * n_clinics * new
        firsts = slots * (1 - DNA) / 0.99
        admit_share = round(min(0.6, dta / firsts), 3)
        # Referrals: new slots = (referrals - 0.004 * awaiting first) * 0.99 / 0.93
        referrals = round(firsts + REMOVAL * l_first, 1)
        # Half the clinics with a registrar beside the consultant.
        reg_clinics = n_clinics // 2
        plain_clinics = n_clinics - reg_clinics
        c_am = [(reg_clinics + 1) // 2, (plain_clinics) // 2]
        c_pm = [reg_clinics // 2, (plain_clinics + 1) // 2]
        lists = []
        dcj = f"{{ {dc_junior} = 1 }}" if dc_junior else "{}"
        lists.append(f'{{ session = "am", setting = "day_case", cases = {dc_cases}, count = {dc_am}, juniors = {dcj} }}')
        if dc_pm:
            lists.append(f'{{ session = "pm", setting = "day_case", cases = {dc_cases}, count = {dc_pm}, juniors = {dcj} }}')
        lists.append(f'{{ session = "all_day", setting = "inpatient", cases = {ip_cases}, count = {n_ip}, juniors = {{ core = 1 }} }}')
        clinics = []
        for session, (reg, plain) in (("am", c_am), ("pm", c_pm)):
            if reg:
                clinics.append(
                    f'{{ session = "{session}", new_slots = {new}, follow_up_slots = {fu}, count = {reg}, juniors = {{ registrar = 1 }} }}'
                )
        for session, (reg, plain) in (("am", c_am), ("pm", c_pm)):
            if plain:
                clinics.append(f'{{ session = "{session}", new_slots = {new}, follow_up_slots = {fu}, count = {plain} }}')
        # Juniors the template needs in its busiest half-day, by grade.
        need_f = max(dc_am, dc_pm) if dc_junior else 0
        need_c = n_ip
        need_r = max(c_am[0], c_pm[0])
        sessions = max(dc_am + n_ip + sum(c_am), dc_pm + n_ip + sum(c_pm))
        consultants = math.ceil(1.6 * sessions)
        stay_mean, stay_sd = STAY_NIGHTS[code]
        # Inpatients in beds on an average day: admissions on weekdays (5 of
        # 7 days) times the mean stay.
        beds = n_ip * ip_cases * 5 / 7 * stay_mean
        ward = math.ceil(WARD_HEADROOM * beds / WARD_PATIENTS_PER_JUNIOR)
        rota = [need_f + 2 * staff + ward, need_c + 2 * staff, need_r + 2 * staff]
        out.append(
            {
                "code": code,
                "name": name,
                "waiting_list": wl,
                "admitted_share_of_list": adm_list,
                "referrals_per_week": referrals,
                "admit_share": admit_share,
                "day_case_share": round(n_dc * dc_cases / (n_dc * dc_cases + n_ip * ip_cases), 3),
                "consultants": consultants,
                "rota": rota,
                "ward": ward,
                "stay": (stay_mean, stay_sd),
                "floor": [staff] * 3,
                "night": [staff] * 3,
                "weekend": [2 * staff] * 3,
                "theatre_lists": lists,
                "clinics": clinics,
                "admissions_per_weekday": n_dc * dc_cases + n_ip * ip_cases,
                "day_cases_per_weekday": n_dc * dc_cases,
            }
        )
    return out


def grades(v: list[int]) -> str:
    return f"{{ foundation = {v[0]}, core = {v[1]}, registrar = {v[2]} }}"


def trust_toml(t: dict, specs: list[dict]) -> str:
    est = " RTT list estimated from admissions (no March 2016 row)." if t["rtt_estimated"] else ""
    lines = [
        "",
        f"# {t['code']}: {t['admissions_per_weekday']:.0f} elective admissions a weekday (HES 2016-17, scaled),"
        f" list {t['waiting_list']:,}, {t['consultant_fte']:.0f} consultant FTE.{est}",
        "[[trusts]]",
        f'code = "{t["code"]}"',
        f'name = "{t["name"]}"',
        f"within_18w_pct = {t['within_18w_pct']}",
        f"dna_rate = {DNA}",
        f"background_cancel_rate = {BACKGROUND_CANCEL}",
        f"removal_rate_per_week = {REMOVAL}",
        f"ward_patients_per_junior = {WARD_PATIENTS_PER_JUNIOR}",
    ]
    for s in specs:
        lines += [
            "[[trusts.specialties]]",
            f'code = "{s["code"]}"',
            f'name = "{s["name"]}"',
            f"waiting_list = {s['waiting_list']}",
            f"admitted_share_of_list = {s['admitted_share_of_list']}",
            f"referrals_per_week = {s['referrals_per_week']}",
            f"admit_share = {s['admit_share']}",
            f"day_case_share = {s['day_case_share']}",
            f"inpatient_stay_days = {{ mean = {s['stay'][0]}, sd = {s['stay'][1]} }}",
            f"consultants = {s['consultants']}",
            f"rota.weekday_day = {grades(s['rota'])}",
            f"rota.night = {grades(s['night'])}",
            f"rota.weekend = {grades(s['weekend'])}",
            f"emergency_floor.weekday_day = {grades(s['floor'])}",
            f"emergency_floor.night = {grades(s['night'])}",
            f"emergency_floor.weekend = {grades(s['floor'])}",
            "theatre_lists = [",
            *[f"  {x}," for x in s["theatre_lists"]],
            "]",
            "clinics = [",
            *[f"  {x}," for x in s["clinics"]],
            "]",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Scenario files
# --------------------------------------------------------------------------

def walkout(name: str, start: str, hours: int, kind: str, turnout_day: str, published: str) -> str:
    """A [[walkouts]] entry, participation from the day's published turnout."""
    return f"""[[walkouts]]
name = "{name}"
start = "{start}"
hours = {hours}
kind = "{kind}"
grades = ["foundation", "core", "registrar"]
# NHS England on the day: {published}. Participation follows by the
# turnout formula (scenarios/README.md); not calibrated.
participation = {{ distribution = "turnout", at_work = {TURNOUT_AT_WORK[turnout_day]}, sd = {PARTICIPATION_SD} }}
between_trust_sd = {PARTICIPATION_BETWEEN_TRUST_SD}
"""


ECP = "emergency_care_provided"
WALKOUT_12 = walkout(
    "24-hour walkout, 12 January 2016", "2016-01-12T08:00", 24, ECP, "2016-01-12",
    "39% of the juniors who could have been at work reported for duty",
)
WALKOUT_26 = walkout(
    "48-hour walkout, 26-28 January 2016", "2016-01-26T08:00", 48, ECP, "2016-01-12",
    "never held (suspended on 19 January); turnout taken as on 12 January, 39% reporting for duty",
)
WALKOUT_FEB = walkout(
    "24-hour walkout, 10 February 2016", "2016-02-10T08:00", 24, ECP, "2016-02-10",
    "43% of the juniors who could have been at work reported for duty",
)
WALKOUT_MAR = walkout(
    "48-hour walkout, 9-11 March 2016", "2016-03-09T08:00", 48, ECP, "2016-03-09",
    "44% reported for duty",
)
WALKOUT_APR = walkout(
    "48-hour walkout, 6-8 April 2016", "2016-04-06T08:00", 48, ECP, "2016-04-06",
    "46% reported for duty",
)
FULL_NOTE = "78% of the juniors expected at work were not at work at 09:00 (21,608)"
WALKOUT_FULL = walkout(
    "Full walkout, 26 April 2016 (08:00-17:00)", "2016-04-26T08:00", 9, "full_walkout", "2016-04-26", FULL_NOTE,
) + "\n" + walkout(
    "Full walkout, 27 April 2016 (08:00-17:00)", "2016-04-27T08:00", 9, "full_walkout", "2016-04-26", FULL_NOTE,
)

#: The behaviour calibrated on 12 January 2016, as plan lines.
BEHAVIOUR_12 = f"""protect = "urgent"
consultant_act_down_share = {CONSULTANT_ACT_DOWN_SHARE}
"""
if STAND_DOWN_THEATRE_SHARE > 0 or STAND_DOWN_CLINIC_SHARE > 0:
    BEHAVIOUR_12 += (
        f"stand_down = {{ theatre_share = {STAND_DOWN_THEATRE_SHARE}, clinic_share = {STAND_DOWN_CLINIC_SHARE},"
        f" days_ahead = {STAND_DOWN_DAYS_AHEAD} }}\n"
    )
BEHAVIOUR_12 += "rebooking = { binding_days = 28 }\n"

def with_stand_down(behaviour: str, stand_down: str) -> str:
    """The behaviour's plan lines with a `stand_down` line added."""
    return behaviour.replace("rebooking", f"stand_down = {{ {stand_down} }}\nrebooking")


PLAN_12 = f"""[[plans]]
name = "as-on-the-day"
description = "What trusts did on 12 January 2016, as calibrated: routine lists kept booked and what could not be staffed cancelled on the day, inpatients the ward could not cover included; consultants acting down into part of the junior places; urgent and cancer work protected."
{BEHAVIOUR_12}"""

AROUND_7 = "unstaffable = true, inpatients_at_risk = true, days_ahead = 7"
AROUND_14 = "unstaffable = true, inpatients_at_risk = true, days_ahead = 14"

#: Later strikes with emergency care provided: the first plan is the 12
#: January behaviour unchanged (the strike was of the same kind); the second
#: plans around the walkout a week ahead.
PLANS_ECP = f"""[[plans]]
name = "as-on-12-january"
description = "Trusts behave as calibrated on 12 January 2016 (a strike of the same kind): lists kept booked, what cannot be staffed cancelled on the day, consultants acting down into part of the junior places, urgent and cancer work protected. The prediction held against the published figure."
{BEHAVIOUR_12}
[[plans]]
name = "plan-around"
description = "As on 12 January, but a week ahead stand down what the expected staffing cannot cover and postpone inpatients the ward could not cover through the walkout."
{with_stand_down(BEHAVIOUR_12, AROUND_7)}"""

#: The full walkout: announced weeks ahead, emergency cover planned with
#: consultants, so trusts planned their elective work around it.
PLANS_FULL = f"""[[plans]]
name = "as-announced"
description = "The 12 January behaviour, with what was announced: emergency cover by consultants planned weeks ahead, so two weeks ahead trusts stand down the routine work the expected staffing cannot cover and postpone inpatients the ward could not cover. The prediction held against the published figure."
{with_stand_down(BEHAVIOUR_12, AROUND_14)}
[[plans]]
name = "plan-for-all-out"
description = "As announced, but planning for the worst: two weeks ahead, stand down what would be left unstaffed if every junior asked struck, and postpone the inpatients the ward could not then cover."
{with_stand_down(BEHAVIOUR_12, AROUND_14 + ", plan_for_participation = 1.0")}
[[plans]]
name = "on-the-day"
description = "No planning ahead: lists kept booked and cancelled on the day when emergency cover takes their staff, as on 12 January."
{BEHAVIOUR_12}"""

#: The dispute: as it happened, and planning around every strike.
PLANS_DISPUTE = f"""[[plans]]
name = "as-it-happened"
description = "The 12 January behaviour in every strike with emergency care provided; the full walkout of 26-27 April planned around two weeks ahead, as announced (routine work the expected staffing cannot cover stood down, inpatients the ward could not cover postponed)."
{with_stand_down(BEHAVIOUR_12, AROUND_14 + ', walkout_kinds = ["full_walkout"]')}
[[plans]]
name = "plan-around-every-strike"
description = "Every strike planned around a week ahead: what the expected staffing cannot cover stood down, inpatients the ward could not cover postponed."
{with_stand_down(BEHAVIOUR_12, AROUND_7)}"""

PLANS_26 = f"""[[plans]]
name = "keep-booked"
description = "Keep every list and clinic booked; cancel on the day what cannot be staffed; consultants act down as on 12 January."
protect = "urgent"
consultant_act_down_share = {CONSULTANT_ACT_DOWN_SHARE}
rebooking = {{ binding_days = 28 }}

[[plans]]
name = "stand-down-half"
description = "Stand down half of routine lists and clinics a week ahead; staff the rest."
protect = "urgent"
consultant_act_down_share = {CONSULTANT_ACT_DOWN_SHARE}
stand_down = {{ theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7 }}
rebooking = {{ binding_days = 28 }}

[[plans]]
name = "consultant-cover-catch-up"
description = "Consultants act down to deliver lists and clinics; weekend catch-up lists for four weeks after."
protect = "urgent"
consultant_act_down_share = 1.0
rebooking = {{ binding_days = 28 }}
catch_up = {{ start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1, staff = {{ consultants = 2, registrar = 1, core = 1, foundation = 1 }} }}
"""


def header(title: str, rows: list[dict], meta: dict, extra: str) -> str:
    est = [r["code"] for r in rows if r["rtt_estimated"]]
    return f"""# strikesim scenario: {title}
#
# GENERATED by tools/build_england.py from {meta['data']}; edit the generator,
# not this file. The trust table it was built from is
# scenarios/data/acute-trusts-2016.csv (see scenarios/data/README.md).
# {OGL}.
#
# Sources (via the LSE hospital_management panel and the ODS etr extract):
# - Trusts: the ODS list of NHS trusts of late 2015, kept where the provider
#   list marks them ORG_TYPE Acute ({len(rows)} trusts{', left out (not open in ODS): ' + ', '.join(meta['missing']) if meta['missing'] else ''}). Hinchingbrooke (RQQ) and
#   Birmingham Women's (RLU), acute in 2016 but not flagged in the later
#   provider list, are not included.
# - Waiting list: RTT incomplete pathways at 31 March 2016 (YEAR 2015 rows),
#   scaled by {meta['list_scale']:.3f} so England holds {NATIONAL_WAITING_LIST:,}. Trusts with no
#   March 2016 row ({', '.join(est)}): list estimated as their HES waiting-list
#   admissions times the median list-to-admissions ratio ({meta['ratio']:.3f}), and
#   {meta['pooled_18w']}% within 18 weeks (the pooled national figure).
# - Elective activity: HES 2016-17 waiting-list admissions (the nearest year;
#   codes with suffixes such as RXK-X, RXKTC added to their trust), over
#   {WORKING_DAYS} weekdays, scaled by {meta['ops_scale']:.3f} so England runs {NATIONAL_OPS_PER_WEEKDAY:,} elective
#   operations a weekday. Day-case share: HES day-case episodes over elective
#   admissions, relative to the national figure, applied to the mix's 78%.
# - Specialties: a fixed national mix of six surgical specialties (the
#   bundled West Hertfordshire template as one unit of about {UNIT_ADMISSIONS} admissions a
#   weekday); each trust's counts of lists and clinics, list and referrals
#   are scaled by its own size, with at least one list of each setting. New
#   slots = (referrals - 0.004 x awaiting first appointment) x 0.99 / 0.93
#   per week; theatre cases = (decisions to admit - 0.004 x admitted list) /
#   0.99; admit_share is solved per specialty so both hold after rounding.
#   Specialist trusts get the same mix: a known simplification.
# - Junior doctors by trust are not in the data: each specialty's weekday
#   rota is the juniors its template needs in its busiest half-day, plus an
#   emergency floor and one spare per grade, each round(trust scale) (at
#   least 1), plus the foundation juniors its ward needs at
#   {WARD_PATIENTS_PER_JUNIOR} inpatients each with {int(round(100 * (WARD_HEADROOM - 1)))}% headroom (stays: STAY_NIGHTS in the
#   generator, national assumptions of the order of HES 2015-16). Consultants in post: 1.6 x the sessions of the busiest
#   half-day (present: less 15% on leave and one on call, the defaults).
#   The table checks these against consultant FTE x
#   {JUNIOR_CONSULTANT_RATIO} juniors in post, and {JUNIORS_AT_WORK_ENGLAND:,} juniors who could have been at
#   work in England shared by consultant FTE ({meta['at_work_per_fte']:.3f} per FTE, all
#   specialties; the six surgical specialties hold part of them).
# - Participation: from each strike's published turnout by one formula
#   (scenarios/README.md). Behaviour (participation's spread between trusts,
#   stand-downs, consultant acting down{', major incident' if 'Sandwell' in title else ''}) is calibrated on
#   12 January 2016 only: docs/VALIDATION.md.
{extra}"""


def scenario(name, title, description, start, weeks_after, replications, seed, walkout, plans, trusts, rows, meta, extra=""):
    out = header(title, rows, meta, extra)
    out += f"""
name = "{name}"
title = "{title}"
description = "{description}"
start = "{start}"
weeks_after = {weeks_after}
seed = {seed}
replications = {replications}

[recovery]
# Per trust: no loss, and back to normal, within 10 extra waiters or a tenth
# of the trust's peak extra waiters, whichever is larger.
tolerance_patients = 10
share_of_peak = 0.1

{walkout}
{plans}"""
    for t in trusts:
        out += trust_toml(t, specialties_for(t))
    return out


def write_table(path: pathlib.Path, rows: list[dict]) -> None:
    cols = [
        "code",
        "name",
        "region",
        "waiting_list",
        "waiting_list_estimated",
        "within_18w_pct",
        "elective_admissions_per_weekday",
        "day_case_share",
        "consultant_fte",
        "beds",
        "juniors_in_post_est",
        "juniors_at_work_est",
        "juniors_modelled_weekday",
        "modelled_admissions_per_weekday",
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write(f"# {OGL}. Derived by tools/build_england.py; see README.md in this folder.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            specs = specialties_for(r)
            w.writerow(
                [
                    r["code"],
                    r["name"],
                    r["region"],
                    r["waiting_list"],
                    int(r["rtt_estimated"]),
                    r["within_18w_pct"],
                    r["admissions_per_weekday"],
                    r["day_case_share"],
                    round(r["consultant_fte"], 1),
                    r["beds"],
                    r["juniors_in_post_est"],
                    r["juniors_at_work_est"],
                    sum(sum(s["rota"]) for s in specs),
                    sum(s["admissions_per_weekday"] for s in specs),
                ]
            )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog="Sources and licences of the data files: tools/data/SOURCES.md.",
    )
    ap.add_argument(
        "--data",
        type=pathlib.Path,
        default=DEFAULT_DATA,
        help="folder of the public data files (default: tools/data/ in this repository, %(default)s)",
    )
    ap.add_argument(
        "--out",
        type=pathlib.Path,
        default=DEFAULT_OUT,
        help="scenario folder to write (default: scenarios/ in this repository, %(default)s)",
    )
    args = ap.parse_args()
    data, out = args.data, args.out
    check_data(data)
    rows, meta = build_table(data)
    meta["data"] = data_label(data)
    (out / "data").mkdir(parents=True, exist_ok=True)
    write_table(out / "data" / "acute-trusts-2016.csv", rows)
    by = {r["code"]: r for r in rows}
    for must in ("RXK", "RWG"):
        assert must in by, must

    # National figures of the built world, for the header and the report.
    specs = {r["code"]: specialties_for(r) for r in rows}
    adm = sum(s["admissions_per_weekday"] for v in specs.values() for s in v)
    dcs = sum(s["day_cases_per_weekday"] for v in specs.values() for s in v)
    rota = sum(sum(s["rota"]) for v in specs.values() for s in v)
    floor = sum(sum(s["floor"]) for v in specs.values() for s in v)
    wl = sum(s["waiting_list"] for v in specs.values() for s in v)
    summary = (
        f"# Built world: {len(rows)} trusts, {adm:,} elective admissions a weekday in the\n"
        f"# templates ({dcs:,} day cases), waiting list {wl:,}; {rota:,} juniors on the\n"
        f"# weekday rotas of the six specialties, {floor:,} of them on the emergency floor\n"
        f"# ({100 * floor / rota:.1f}%).\n"
    )
    print(summary, end="")

    (out / "england-2016-01-12.toml").write_text(
        scenario(
            "england-2016-01-12",
            "England: the 24-hour walkout of 12 January 2016",
            "Every acute trust in England facing the first junior-doctor walkout in 40 years: 24 hours from 08:00 on 12 January 2016, emergency care provided by strikers. Behaviour calibrated to NHS England's figures for the day (docs/VALIDATION.md).",
            "2015-12-21",
            2,
            20,
            20160112,
            WALKOUT_12,
            PLAN_12,
            rows,
            rows,
            meta,
            summary,
        )
    )
    (out / "england-2016-01-26-48h.toml").write_text(
        scenario(
            "england-2016-01-26-48h",
            "England: the 48-hour walkout of 26 January 2016",
            "Every acute trust in England facing the 48-hour walkout called for 08:00 Tuesday 26 January to 08:00 Thursday 28 January 2016, emergency care provided, under the plans boards were weighing.",
            "2016-01-04",
            8,
            20,
            20160126,
            WALKOUT_26,
            PLANS_26,
            rows,
            rows,
            meta,
            summary,
        )
    )

    # The later strikes of the dispute: predictions held against the
    # published figures (docs/VALIDATION.md). Same world, the walkout as
    # called, participation from the day's published turnout.
    later = (
        ("england-2016-02-10", "England: the 24-hour walkout of 10 February 2016",
         "Every acute trust in England facing the second walkout of the dispute: 24 hours from 08:00 on Wednesday 10 February 2016, emergency care provided (the full walkout first called for that day was changed to this). Participation from the turnout NHS England published on the day; behaviour as calibrated on 12 January.",
         "2016-01-18", WALKOUT_FEB, PLANS_ECP, 20160210),
        ("england-2016-03-09-48h", "England: the 48-hour walkout of 9-11 March 2016",
         "Every acute trust in England facing 48 hours from 08:00 on Wednesday 9 March 2016, emergency care provided. Participation from the turnout NHS England published; behaviour as calibrated on 12 January.",
         "2016-02-15", WALKOUT_MAR, PLANS_ECP, 20160309),
        ("england-2016-04-06-48h", "England: the 48-hour walkout of 6-8 April 2016",
         "Every acute trust in England facing 48 hours from 08:00 on Wednesday 6 April 2016, emergency care provided. Participation from the turnout NHS England published; behaviour as calibrated on 12 January.",
         "2016-03-14", WALKOUT_APR, PLANS_ECP, 20160406),
        ("england-2016-04-26-full", "England: the full walkout of 26-27 April 2016",
         "Every acute trust in England facing the first full walkout (no emergency cover by juniors), 08:00-17:00 on Tuesday 26 and Wednesday 27 April 2016, announced weeks ahead; consultants covered emergency care. Participation from the share not at work NHS England published.",
         "2016-03-21", WALKOUT_FULL, PLANS_FULL, 20160426),
    )
    for name, title, description, start, walkouts, plans, seed in later:
        (out / f"{name}.toml").write_text(
            scenario(name, title, description, start, 2, 20, seed, walkouts, plans, rows, rows, meta, summary)
        )
    (out / "england-2016-dispute.toml").write_text(
        scenario(
            "england-2016-dispute",
            "England: the junior doctors' dispute of 2016, strike by strike",
            "Every acute trust in England through the five walkouts of the 2016 dispute (12 January, 10 February, 9-11 March and 6-8 April with emergency care provided, the full walkout of 26-27 April; the suspended 26 January walkout left out), from December 2015 to the end of 2016: the cumulative effect on the list and the 18-week share, under two ways of handling the later strikes.",
            "2015-12-07",
            35,
            100,
            20161231,
            "\n".join([WALKOUT_12, WALKOUT_FEB, WALKOUT_MAR, WALKOUT_APR, WALKOUT_FULL]),
            PLANS_DISPUTE,
            rows,
            rows,
            meta,
            summary,
        )
    )

    # Sandwell: the same day, a plan that declares a major incident.
    sandwell_plan = PLAN_12.replace('name = "as-on-the-day"', 'name = "major-incident"').replace(
        "rebooking = { binding_days = 28 }\n",
        f"major_incident = {{ threshold = {SANDWELL_THRESHOLD}, recall_share = {SANDWELL_RECALL_SHARE}, delay_hours = {SANDWELL_DELAY_HOURS} }}\n"
        "rebooking = { binding_days = 28 }\n",
    )
    sandwell_plan = sandwell_plan.replace(
        'description = "What trusts did on 12 January 2016, as calibrated:',
        'description = "Sandwell on 12 January 2016: a major incident declared and strikers recalled; otherwise as calibrated:',
    )
    sandwell_plan += "\n" + PLAN_12
    (out / "sandwell-2016-01-12.toml").write_text(
        scenario(
            "sandwell-2016-01-12",
            "Sandwell and West Birmingham: major incident on 12 January 2016",
            "Sandwell and West Birmingham Hospitals (RXK) on 12 January 2016: the trust declared a major incident and called doctors back, then reported 2% of elective procedures cancelled. Compared with the national calibrated plan without a major incident.",
            "2015-12-21",
            2,
            100,
            20160112,
            WALKOUT_12,
            sandwell_plan,
            [by["RXK"]],
            rows,
            meta,
        )
    )

    # A median-sized district general hospital and one of the largest trusts.
    ranked = sorted(rows, key=lambda r: r["admissions_per_weekday"])
    medium = ranked[len(ranked) // 2]
    large = ranked[-1]
    for kind, t, label in (("district-general", medium, "a median-sized acute trust"), ("teaching", large, "the largest acute trust by elective admissions")):
        (out / f"{kind}-{t['code'].lower()}-2016-01-26.toml").write_text(
            scenario(
                f"{kind}-{t['code'].lower()}-2016-01-26",
                f"{t['name']}: the 48-hour walkout of 26 January 2016",
                f"{t['name']} ({t['code']}), {label} in the England table, facing the 48-hour walkout from 08:00 on 26 January 2016, emergency care provided.",
                "2016-01-04",
                26,
                200,
                20160126,
                WALKOUT_26,
                PLANS_26,
                [t],
                rows,
                meta,
            )
        )
        print(f"{kind}: {t['code']} {t['name']} ({t['admissions_per_weekday']} a weekday)")


if __name__ == "__main__":
    main()
