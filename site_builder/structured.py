"""schema.org JSON-LD for office and service pages, as plain data for the `tojson` filter."""

from __future__ import annotations

from .models import Agency, Office, OpeningHours, Province, Service

SCHEMA_DAYS = {
    "sat": "Saturday",
    "sun": "Sunday",
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
}


def _without_empty(data: dict) -> dict:
    """Drop keys whose value is missing, so the JSON-LD states only what is known."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def opening_hours(hours: tuple[OpeningHours, ...]) -> list[dict]:
    """Return hours as schema.org OpeningHoursSpecification."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"https://schema.org/{SCHEMA_DAYS[day]}" for day in span.days],
            "opens": span.opens,
            "closes": span.closes,
        }
        for span in hours
    ]


def office_data(
    office: Office,
    province: Province,
    hours: tuple[OpeningHours, ...],
    name: str,
    url: str,
    license_state: str | None,
    may_serve: bool,
) -> dict:
    """Return a GovernmentOffice description of an office, with its status and license state on the build date (as
    open data codes: site.SiteWide.license_state); its hours only where it may serve."""
    address = _without_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": office.address,
            "addressLocality": office.city or office.village,
            "addressRegion": province.name,
            "postalCode": office.postal_code,
            "addressCountry": "IR",
        }
    )
    geo = (
        {"@type": "GeoCoordinates", "latitude": office.location.lat, "longitude": office.location.lon}
        if office.location
        else None
    )
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "GovernmentOffice",
            "@id": url,
            "url": url,
            "name": name,
            "identifier": office.code,
            "address": address,
            "telephone": office.phone,
            "geo": geo,
            "openingHoursSpecification": opening_hours(hours) if may_serve else None,
            "additionalProperty": [
                _property("status", office.status),
                *([_property("licenseState", license_state)] if license_state else []),
                _property("mayServe", may_serve),
            ],
        }
    )


def _property(name: str, value: str | bool) -> dict:
    return {"@type": "PropertyValue", "propertyID": name, "value": value}


def service_data(service: Service, agency: Agency, url: str) -> dict:
    """Return a GovernmentService description of a service."""
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "@id": url,
            "url": url,
            "name": service.name,
            "alternateName": service.name_en,
            "description": service.description,
            "provider": _without_empty({"@type": "GovernmentOrganization", "name": agency.name, "url": agency.website}),
            "areaServed": {"@type": "Country", "name": "Iran"},
        }
    )
