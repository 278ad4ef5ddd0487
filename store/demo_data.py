"""The demo clinics as plain frozen data: Harborview Health and Riverside Family Practice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

Ranges = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TenantSpec:
    name: str
    domain: str
    timezone: str
    plan: str = "professional"


@dataclass(frozen=True)
class SiteSpec:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class ProviderSpec:
    full_name: str
    specialty: str
    site: int  # index into ClinicSpec.sites
    week: tuple[tuple[str, Ranges], ...]  # (weekday, ((start, end), ...)) in local time
    role: str = "doctor"
    slot_minutes: int = 30

    def working_hours(self) -> dict[str, list[list[str]]]:
        """The JSON shape `Staff.working_hours` documents."""
        return {day: [list(r) for r in ranges] for day, ranges in self.week}


@dataclass(frozen=True)
class StaffUserSpec:
    """Office staff with a login but no bookable hours."""

    full_name: str
    email: str
    role: str
    site: int


@dataclass(frozen=True)
class InsuranceSpec:
    plan_name: str
    payer: str
    member_id: str
    copay: str
    status: str = "active"
    valid_until_days: int = 365  # relative to the seeding date; negative means expired


@dataclass(frozen=True)
class PrescriptionSpec:
    medication_name: str
    dosage: str
    refills_remaining: int
    last_filled_days_ago: int
    controlled: bool = False


@dataclass(frozen=True)
class AppointmentSpec:
    """Resolved at seed time to `weekday` in the week `weeks` from the seeding date."""

    weeks: int  # >= 1 upcoming, <= -1 past
    weekday: str
    hhmm: str
    provider: int  # index into ClinicSpec.providers
    reason: str
    status: str = "confirmed"


@dataclass(frozen=True)
class PatientSpec:
    full_name: str
    email: str
    phone_number: str
    date_of_birth: date
    mrn: str
    insurance: InsuranceSpec
    prescriptions: tuple[PrescriptionSpec, ...]
    appointments: tuple[AppointmentSpec, ...]


@dataclass(frozen=True)
class ClinicSpec:
    key: str  # API-key label prefix, e.g. "harborview"
    tenant: TenantSpec
    sites: tuple[SiteSpec, ...]
    providers: tuple[ProviderSpec, ...]
    staff_users: tuple[StaffUserSpec, ...]
    patients: tuple[PatientSpec, ...]
    patient_logins: int  # the first N patients get a user and an API key
    articles_dir: str  # folder under store/seed_content


def _week(**days: str) -> tuple[tuple[str, Ranges], ...]:
    """`mon="08:00-12:00 13:00-17:00"` -> (("mon", (("08:00", "12:00"), ("13:00", "17:00"))),)."""
    return tuple((day, tuple(_range(r) for r in spec.split())) for day, spec in days.items())


def _range(text: str) -> tuple[str, str]:
    start, _, end = text.partition("-")
    return start, end


# Lunch breaks and days off differ per provider, so booking has real gaps to work around.
# The data tables below are kept compact on purpose: one record reads better than one field a line.
# fmt: off
HARBORVIEW_PROVIDERS = (
    ProviderSpec("Dr. Maya Chen", "Family Medicine", 0, _week(
        mon="08:00-12:00 13:00-17:00", tue="09:00-12:00 13:00-18:00", wed="08:00-12:00",
        thu="08:00-12:00 13:00-17:00", fri="08:00-12:00 13:00-16:00", sat="09:00-13:00",
    )),
    ProviderSpec("Dr. Samuel Okafor", "Internal Medicine", 0, _week(
        mon="09:00-12:30 13:30-18:00", tue="08:00-12:00 13:00-17:00",
        wed="09:00-12:30 13:30-18:00", thu="13:00-18:00", fri="08:00-12:00",
    )),
    ProviderSpec("Dr. Priya Raman", "Pediatrics", 1, _week(
        mon="08:30-12:00 13:00-17:00", tue="10:00-13:00 14:00-19:00",
        wed="08:30-12:00 13:00-17:00", fri="08:30-12:00 13:00-16:00", sat="09:00-12:00",
    )),
    ProviderSpec("Dr. Lucas Ortega", "Women's Health and Family Medicine", 1, _week(
        mon="13:00-17:00", tue="08:30-12:00 13:00-17:00", thu="08:30-12:00 13:00-17:00",
        fri="08:30-12:00 13:00-16:00",
    )),
)

_BCBS = "Blue Cross Blue Shield of Massachusetts"
Rx, Appt, Ins = PrescriptionSpec, AppointmentSpec, InsuranceSpec

HARBORVIEW_PATIENTS = (
    PatientSpec(
        "Emily Carter", "emily.carter@example.com", "(617) 555-0171", date(1988, 4, 12),
        "HV-100234", Ins("Blue Cross Blue Shield PPO", _BCBS, "XKB884512301", "$25"),
        (Rx("Sertraline", "50 mg tablet, once daily", 3, 20),),
        (
            Appt(-3, "wed", "09:30", 0, "Anxiety medication check", "completed"),
            Appt(1, "tue", "10:00", 0, "Annual physical"),
        ),
    ),
    PatientSpec(
        "James Whitaker", "james.whitaker@example.com", "(617) 555-0172", date(1956, 9, 30),
        "HV-100235", Ins("Medicare Part B", "Medicare", "1EG4TE5MK72", "$0"),
        (
            Rx("Amlodipine", "5 mg tablet, once daily", 2, 25),
            Rx("Atorvastatin", "20 mg tablet, once daily at bedtime", 0, 28),
        ),
        (
            Appt(-2, "mon", "10:00", 1, "Blood pressure check", "completed"),
            Appt(1, "wed", "14:00", 1, "Hypertension follow-up"),
        ),
    ),
    PatientSpec(
        "Sofia Martinez", "sofia.martinez@example.com", "(617) 555-0173", date(2016, 2, 18),
        "HV-100236", Ins("MassHealth Standard", "MassHealth", "100392847561", "$0"),
        # Schedule II: no refills are allowed, each fill needs a new prescription.
        (Rx("Methylphenidate ER (Concerta)", "18 mg tablet, once each morning", 0, 27, True),),
        (Appt(2, "tue", "15:30", 2, "ADHD medication follow-up"),),
    ),
    PatientSpec(
        "Daniel Nguyen", "daniel.nguyen@example.com", "(617) 555-0174", date(1979, 11, 5),
        "HV-100237", Ins("Aetna Choice POS II", "Aetna", "W219384756", "$30"),
        (Rx("Metformin", "500 mg tablet, twice daily with meals", 5, 12),),
        (
            Appt(1, "tue", "08:30", 1, "Diabetes check and A1C review", "cancelled"),
            Appt(2, "fri", "09:00", 1, "Diabetes check and A1C review"),
        ),
    ),
    PatientSpec(
        "Olivia Bennett", "olivia.bennett@example.com", "(617) 555-0175", date(1992, 7, 22),
        "HV-100238", Ins("Harvard Pilgrim HMO", "Harvard Pilgrim Health Care", "HP7734120", "$20"),
        (Rx("Norgestimate-ethinyl estradiol (Sprintec)", "1 tablet daily", 11, 15),),
        (Appt(1, "thu", "09:00", 3, "Annual well-woman exam"),),
    ),
    PatientSpec(
        "Michael O'Brien", "michael.obrien@example.com", "(617) 555-0176", date(1968, 3, 14),
        "HV-100239",
        Ins(
            "UnitedHealthcare Choice Plus", "UnitedHealthcare", "UHC902341877", "$35",
            status="inactive", valid_until_days=-45,
        ),
        (Rx("Omeprazole", "20 mg capsule, once daily before breakfast", 1, 40),),
        (Appt(1, "fri", "13:30", 0, "Heartburn follow-up"),),
    ),
    PatientSpec(
        "Aisha Rahman", "aisha.rahman@example.com", "(617) 555-0177", date(1985, 12, 1),
        "HV-100240", Ins("Tufts Health Plan", "Tufts Health Plan", "TH55120934", "$25"),
        (
            Rx("Albuterol HFA inhaler", "90 mcg, 2 puffs every 4-6 hours as needed", 2, 9),
            Rx("Fluticasone inhaler", "110 mcg, 2 puffs twice daily", 4, 30),
        ),
        (
            Appt(-1, "thu", "14:00", 0, "Asthma flare", "completed"),
            Appt(3, "mon", "11:00", 0, "Asthma follow-up (video visit)"),
        ),
    ),
    PatientSpec(
        "Ethan Brooks", "ethan.brooks@example.com", "(617) 555-0178", date(2019, 6, 9),
        "HV-100241", Ins("Blue Cross Blue Shield HMO Blue", _BCBS, "XKH551902344", "$15"),
        (Rx("Cetirizine oral solution", "5 mg/5 mL, 5 mL once daily", 1, 33),),
        (Appt(1, "sat", "09:30", 2, "5-year well-child visit"),),
    ),
    PatientSpec(
        "Grace Liu", "grace.liu@example.com", "(617) 555-0179", date(1974, 8, 27),
        "HV-100242", Ins("Cigna Open Access Plus", "Cigna", "U8812034501", "$30"),
        (Rx("Levothyroxine", "75 mcg tablet, once daily on an empty stomach", 3, 18),),
        (
            Appt(-4, "tue", "13:30", 3, "Thyroid lab review", "completed"),
            Appt(2, "mon", "14:30", 3, "Menopause symptoms consultation"),
        ),
    ),
    PatientSpec(
        "Robert Fitzgerald", "robert.fitzgerald@example.com", "(617) 555-0180",
        date(1949, 1, 19), "HV-100243", Ins("Medicare Part B", "Medicare", "3KD9PL2RT48", "$0"),
        (
            Rx("Lisinopril", "20 mg tablet, once daily", 3, 22),
            Rx("Tamsulosin", "0.4 mg capsule, once daily after dinner", 2, 35),
        ),
        (Appt(1, "mon", "09:00", 1, "Medicare annual wellness visit"),),
    ),
)

RIVERSIDE_PATIENTS = (
    PatientSpec(
        "Evelyn Park", "evelyn.park@example.com", "(630) 555-0181", date(1982, 5, 3),
        "RV-200101",
        Ins("Blue Cross Blue Shield of Illinois PPO", "Blue Cross Blue Shield of Illinois",
            "XOF440129873", "$30"),
        (Rx("Ibuprofen", "600 mg tablet, up to three times daily with food", 1, 10),),
        (Appt(1, "wed", "10:00", 0, "Knee pain"),),
    ),
    PatientSpec(
        "Marcus Hale", "marcus.hale@example.com", "(630) 555-0182", date(1961, 10, 27),
        "RV-200102", Ins("Aetna Open Access", "Aetna", "W554203918", "$25"),
        (Rx("Losartan", "50 mg tablet, once daily", 4, 21),),
        (Appt(2, "mon", "13:30", 0, "Annual physical"),),
    ),
)
# fmt: on

HARBORVIEW = ClinicSpec(
    key="harborview",
    tenant=TenantSpec("Harborview Health", "harborview.example", "America/New_York"),
    sites=(
        SiteSpec(
            "Harborview Downtown",
            "120 Harbor Street, Suite 300, Boston, MA 02110",
            "(617) 555-0100",
        ),
        SiteSpec("Harborview Westside", "45 Elm Avenue, Newton, MA 02458", "(617) 555-0150"),
    ),
    providers=HARBORVIEW_PROVIDERS,
    staff_users=(
        StaffUserSpec("Jordan Blake", "jordan.blake@harborview.example", "reception", 0),
        StaffUserSpec("Alex Morgan", "alex.morgan@harborview.example", "admin", 0),
    ),
    patients=HARBORVIEW_PATIENTS,
    patient_logins=len(HARBORVIEW_PATIENTS),
    articles_dir="articles",
)

RIVERSIDE = ClinicSpec(
    key="riverside",
    tenant=TenantSpec("Riverside Family Practice", "riverside.example", "America/Chicago"),
    sites=(
        SiteSpec(
            "Riverside Family Practice", "310 River Road, Naperville, IL 60540", "(630) 555-0170"
        ),
    ),
    providers=(
        ProviderSpec(
            "Dr. Hannah Weiss",
            "Family Medicine",
            0,
            _week(
                **dict.fromkeys(("mon", "tue", "wed", "thu"), "08:00-12:00 13:00-16:00"),
                fri="08:00-11:30",
            ),
        ),
    ),
    staff_users=(StaffUserSpec("Dana Whitfield", "dana.whitfield@riverside.example", "admin", 0),),
    patients=RIVERSIDE_PATIENTS,
    patient_logins=1,
    articles_dir="riverside",
)

CLINICS = (HARBORVIEW, RIVERSIDE)
