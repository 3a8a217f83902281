"""Demo data of the core app: the WCO Americas and Caribbean region, its partners, one user a role.

Real administrations carry their real ISO country codes; private-sector bodies whose name ends
in "(demo)" are invented for the demonstration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from arusha.core.models import Membership, Organisation, Role, User, WcoRegion

DEMO_PASSWORD = "arusha-demo-2026"  # noqa: S105 - printed on purpose: it is the demo's login

# (country, official name, short name) of customs administrations of the AMS region.
AMS_ADMINISTRATIONS = [
    ("AR", "Dirección General de Aduanas (Argentina)", "DGA Argentina"),
    ("BS", "Bahamas Customs Department", "Bahamas Customs"),
    ("BB", "Barbados Customs and Excise Department", "Barbados Customs"),
    ("BZ", "Belize Customs and Excise Department", "Belize Customs"),
    ("BO", "Aduana Nacional de Bolivia", "ANB"),
    ("BR", "Receita Federal do Brasil", "RFB"),
    ("CA", "Canada Border Services Agency", "CBSA"),
    ("CL", "Servicio Nacional de Aduanas de Chile", "SNA Chile"),
    ("CO", "Dirección de Impuestos y Aduanas Nacionales", "DIAN"),
    ("CR", "Servicio Nacional de Aduanas de Costa Rica", "SNA Costa Rica"),
    ("DO", "Dirección General de Aduanas (República Dominicana)", "DGA RD"),
    ("EC", "Servicio Nacional de Aduana del Ecuador", "SENAE"),
    ("SV", "Dirección General de Aduanas (El Salvador)", "DGA El Salvador"),
    ("GT", "Superintendencia de Administración Tributaria", "SAT Guatemala"),
    ("GY", "Guyana Revenue Authority", "GRA"),
    ("HN", "Administración Aduanera de Honduras", "Aduanas Honduras"),
    ("JM", "Jamaica Customs Agency", "JCA"),
    ("MX", "Agencia Nacional de Aduanas de México", "ANAM"),
    ("PA", "Autoridad Nacional de Aduanas de Panamá", "ANA Panamá"),
    ("PY", "Dirección Nacional de Ingresos Tributarios (Paraguay)", "DNIT"),
    ("PE", "Superintendencia Nacional de Aduanas y de Administración Tributaria", "SUNAT"),
    ("TT", "Customs and Excise Division of Trinidad and Tobago", "TT Customs"),
    ("US", "U.S. Customs and Border Protection", "CBP"),
    ("UY", "Dirección Nacional de Aduanas (Uruguay)", "DNA Uruguay"),
]

# (name, short name, kind, country, region, PSCG member)
PRIVATE_BODIES = [
    ("International Chamber of Commerce", "ICC", "chamber", "", "", True),
    (
        "International Federation of Freight Forwarders Associations",
        "FIATA",
        "association",
        "",
        "",
        True,
    ),
    (
        "Americas and Caribbean Regional Private Sector Group",
        "AMS PSG",
        "association",
        "",
        "AMS",
        True,
    ),
    (
        "Confederación de Asociaciones de Agentes Aduanales de la República Mexicana",
        "CAAAREM",
        "association",
        "MX",
        "AMS",
        False,
    ),
    ("Cámara Ecuatoriana de Comercio Exterior (demo)", "CECE", "chamber", "EC", "AMS", False),
    ("Andean Freight Logistics S.A. (demo)", "AFL", "company", "PE", "AMS", False),
]

# (name, short name, kind of international body, region)
INTERNATIONAL_BODIES = [
    ("World Customs Organization Secretariat", "WCO", "secretariat", "", "BE"),
    (
        "WCO Regional Office for Capacity Building, Americas and Caribbean",
        "ROCB A/C",
        "regional_office",
        "AMS",
        "",
    ),
    ("Norwegian Agency for Development Cooperation", "Norad", "development_partner", "", "NO"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: Role
    language: str = "en"


DEMO_USERS = [
    DemoUser("admin", "Ada", "Admin", "WCO", Role.PLATFORM_ADMIN),
    DemoUser("integrity", "Inés", "Paredes", "SENAE", Role.INTEGRITY_OFFICER, "es"),
    DemoUser("reviewer", "Rafael", "Villacís", "SENAE", Role.ASSESSMENT_REVIEWER, "es"),
    DemoUser("handler", "Helena", "Mora", "SENAE", Role.CASE_HANDLER, "es"),
    DemoUser("focal", "Fernando", "Quiroga", "CECE", Role.PRIVATE_FOCAL_POINT, "es"),
    DemoUser("coordinator", "Camille", "Joseph", "ROCB A/C", Role.REGIONAL_COORDINATOR, "fr"),
    DemoUser("viewer", "Víctor", "Andrade", "SENAE", Role.VIEWER, "es"),
    DemoUser("peru", "Paula", "Quispe", "SUNAT", Role.INTEGRITY_OFFICER, "es"),
]


def _organisations() -> dict[str, Organisation]:
    by_short: dict[str, Organisation] = {}
    for country, name, short in AMS_ADMINISTRATIONS:
        by_short[short], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": Organisation.Kind.CUSTOMS,
                "country": country,
                "wco_region": WcoRegion.AMS,
            },
        )
    for name, short, private_kind, country, region, pscg in PRIVATE_BODIES:
        by_short[short], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": Organisation.Kind.PRIVATE,
                "private_kind": private_kind,
                "country": country,
                "wco_region": region,
                "pscg_member": pscg,
            },
        )
    for name, short, international_kind, region, country in INTERNATIONAL_BODIES:
        by_short[short], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": Organisation.Kind.INTERNATIONAL,
                "international_kind": international_kind,
                "wco_region": region,
                "country": country,
            },
        )
    return by_short


@transaction.atomic
def load() -> list[str]:
    """Create or refresh the demo organisations and users; return lines describing the logins."""
    organisations = _organisations()
    lines = []
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.arusha.invalid",
                "preferred_language": spec.language,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user, organisation=organisations[spec.organisation], role=spec.role
        )
        second_factor = (
            " (sets up two-factor login at first sign-in)" if user.needs_two_factor() else ""
        )
        lines.append(
            f"  {spec.username:<12} {spec.role.label} · {organisations[spec.organisation].label}"
            f"{second_factor}"
        )
    return lines
