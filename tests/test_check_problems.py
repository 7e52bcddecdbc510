"""Bad input: each case is one editor mistake, answered by `check` with the exact place and words."""

from __future__ import annotations

import pytest

RASHT = "provinces/gilan/offices/rasht.yaml"
OFFICE_HEAD = "- code: 13100123\n  kind: urban\n  status: active\n"
LICENSE = (
    "  license:\n"
    '    number: "1234"\n'
    "    holder: {name: مریم احمدی, type: person}\n"
    "    issued: 1398/04/12\n"
    "    expires: 1403/04/11\n"
)


def office(*lines: str, head: str = OFFICE_HEAD, license: str = LICENSE) -> str:
    """An offices file with one office: the usual head, the given extra lines, then its license."""
    return head + "".join(f"  {line}\n" for line in lines) + license


CASES = {
    "duplicate key": (
        RASHT, office("kind: rural"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: duplicate key 'kind': it is already given at line 2, column 3; keep one",
    ),
    "unknown key with a suggestion": (
        RASHT, office("adress: خیابان امام"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: unknown key 'adress' in office; did you mean 'address'?",
    ),
    "unknown enum value with a suggestion": (
        RASHT, office(head=OFFICE_HEAD.replace("status: active", "status: activ")),
        "content/provinces/gilan/offices/rasht.yaml:3:11: error: status: 'activ' is not a status; did you mean 'active'? write one of active, inactive, under_review, revoked, pending",
    ),
    "unknown kind": (
        RASHT, office(head=OFFICE_HEAD.replace("kind: urban", "kind: city")),
        "content/provinces/gilan/offices/rasht.yaml:2:9: error: kind: 'city' is not a kind of office; write one of urban, rural, police10, kargozari",
    ),
    "YAML 1.1 no in a yes/no field": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  specialised: no\n- id: phone-bill\n  name: قبض\n  agency: telecom\n- id: sim-card\n  name: سیم‌کارت\n  agency: telecom\n",
        "content/services.yaml:4:16: error: specialised: write true or false, not 'no'",
    ),
    "impossible date: Mehr has 30 days": (
        RASHT, office(license=LICENSE.replace("1403/04/11", "1403/07/31")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 1403/07/31: Mehr 1403 has 30 days",
    ),
    "Esfand 30 in a common year": (
        RASHT, office(license=LICENSE.replace("1398/04/12", "1402/12/30")),
        "content/provinces/gilan/offices/rasht.yaml:7:13: error: license.issued: 1402/12/30: Esfand 1402 has 29 days (1402 is not a leap year)",
    ),
    "Gregorian date where a Solar Hijri one belongs": (
        RASHT, office(license=LICENSE.replace("1403/04/11", "2024-07-01")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 2024-07-01: year 2024 is not a Solar Hijri year (expected 1300–1499)",
    ),
    "expiry before issue": (
        RASHT, office(license=LICENSE.replace("1403/04/11", "1397/01/01")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 1397/01/01 is not after issued 1398/04/12",
    ),
    "holder type did you mean": (
        RASHT, office(license=LICENSE.replace("type: person", "type: persn")),
        "content/provinces/gilan/offices/rasht.yaml:6:38: error: license.holder.type: 'persn' is not a holder type; did you mean 'person'? write one of person, company",
    ),
    "active office without license": (
        RASHT, office(license=""),
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office 13100123: a active office needs its license (number, holder, issued, expires); only a pending office has none",
    ),
    "missing required key": (
        RASHT, "- code: 13100123\n  kind: urban\n" + LICENSE,
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office: missing required key 'status'",
    ),
    "duplicate office codes across files": (
        "provinces/gilan/offices/lahijan.yaml", office(),
        "content/provinces/gilan/offices/rasht.yaml:1:9: error: office code 13100123 is used twice: also at content/provinces/gilan/offices/lahijan.yaml:1:9",
    ),
    "offices file named after no county": (
        "provinces/gilan/offices/rashtt.yaml", "[]\n",
        "content/provinces/gilan/offices/rashtt.yaml:1:1: error: 'rashtt' is not a county of gilan: an offices file is named after one of the counties in its province.yaml; did you mean 'rasht'?",
    ),
    "unknown service in an office's add": (
        RASHT, office("services: {add: [sim-crad]}"),
        "content/provinces/gilan/offices/rasht.yaml:4:20: error: unknown service 'sim-crad': it is not in services.yaml; did you mean 'sim-card'?",
    ),
    "unknown agency of a service": (
        "services.yaml", "- id: parcel\n  name: ارسال مرسوله\n  agency: postt\n- id: phone-bill\n  name: قبض\n  agency: telecom\n- id: sim-card\n  name: سیم‌کارت\n  agency: telecom\n",
        "content/services.yaml:3:11: error: unknown agency 'postt': it is not in agencies.yaml; did you mean 'post'?",
    ),
    "tariff for an unknown service": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 1000\n  phone-bill: 1000\n  sim-card: 0\n  fax: 5000\n",
        "content/tariffs/1405.yaml:8:3: error: unknown service 'fax': it is not in services.yaml",
    ),
    "negative fee": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: -1000\n  phone-bill: 1000\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: -1000 must not be negative",
    ),
    "fee that is not a whole number": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 1000\n  phone-bill: {urban: 12.5, rural: 10}\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:6:23: error: fees phone-bill.urban: 12.5 must be a whole number of Rials",
    ),
    "tariff year disagrees with its file name": (
        "tariffs/1405.yaml", "year: 1404\neffective: 1404/01/01\napproval: مصوبه\nfees: {parcel: 1, phone-bill: 1, sim-card: 1}\n",
        "content/tariffs/1405.yaml:1:7: error: year: 1404 disagrees with the file name 1405.yaml; rename the file or correct the year",
    ),
    "service id that is not a slug": (
        "services.yaml", "- id: Parcel_Post\n  name: ارسال مرسوله\n  agency: post\n",
        "content/services.yaml:1:7: error: id: 'Parcel_Post' is not a valid id: use lower-case English letters, digits and hyphens such as 'parcel-post'",
    ),
    "path escape in an id": (
        "agencies.yaml", "- id: ../../etc\n  name: پست\n",
        "content/agencies.yaml:1:7: error: id: '../../etc' is not a valid id: use lower-case English letters, digits and hyphens such as 'etc'",
    ),
    "page file name that is not a slug": (
        "pages/About Us.md", "---\ntitle: درباره\n---\nمتن\n",
        "content/pages/About Us.md:1:1: error: the page file name 'About Us' is not a valid id: use lower-case English letters, digits and hyphens",
    ),
    "page named like the site's own pages": (
        "pages/news.md", "---\ntitle: خبرها\n---\nمتن\n",
        "content/pages/news.md:1:1: error: a page cannot be named 'news': the site's own pages use /news/; rename the file",
    ),
    "number too long to be a fee": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: " + "9" * 5000 + "\n  phone-bill: 1\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: 99999999999999999999… is too large a number",
    ),
    "fee above any real tariff": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 10000000000000\n  phone-bill: 1\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: 10000000000000 must be at most 1000000000000",
    ),
    "digits of another script": (
        "tariffs/1405.yaml", "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: १२३\n  phone-bill: 1\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: '१२३' is not a number",
    ),
    "active office with its license left empty": (
        RASHT, office(license="  license:\n"),
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office 13100123: a active office needs its license (number, holder, issued, expires); only a pending office has none",
    ),
    "base URL with a query": (
        "site.yaml", "title: درگاه\nbase_url: https://example.org/?v=1\nlanguages: [fa]\ntariff_year: 1405\ncomplaints_line: '195'\n",
        "content/site.yaml:2:11: error: base_url: 'https://example.org/?v=1' is not a base address: write it in full, without ? or #, such as https://example.org/ or https://example.org/a/b/",
    ),
    "English as the default language": (
        "site.yaml", "title: درگاه\nbase_url: https://example.org/\nlanguages: [en, fa]\ntariff_year: 1405\ncomplaints_line: '195'\n",
        "content/site.yaml:3:13: error: languages: the first language is the site's default and must be fa, the content's own; en can follow it",
    ),
    "memorandum whose lists are empty": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\nhours: [{days: [sat], opens: '07:30', closes: '19:00'}]\ncounties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n  - {id: post, title: پست, agency: post, urban: [], rural: []}\n",
        "content/provinces/gilan/province.yaml:7:5: error: memorandum 'post' gives no services: list them under urban, rural, police10, kargozari",
    ),
    "YAML nested tens of thousands of levels": (
        "agencies.yaml", "[" * 100000 + "]" * 100000 + "\n",
        "content/agencies.yaml:1:51: error: lists and mappings are nested more than 50 levels deep here",
    ),
    "Markdown nested too deep to render": (
        "pages/about.md", "---\ntitle: درباره\n---\n" + "".join("    " * i + "- a\n" for i in range(300)),
        "content/pages/about.md:29:1: error: this line is nested more than 100 levels deep; a page cannot show it",
    ),
    "Windows-1256 file": (
        "agencies.yaml", "- id: post\n  name: شركت ملي پست\n".encode("cp1256"),
        "content/agencies.yaml:2:9: error: the file is saved in Windows-1256 (Arabic Windows) encoding, not UTF-8: open it and save it as UTF-8",
    ),
    "Latin-1 file": (
        "agencies.yaml", "- id: post\n  name: Café Post\n".encode("latin-1"),
        "content/agencies.yaml:2:12: error: the file is not UTF-8: byte 0xe9 cannot be read; save it as UTF-8",
    ),
    "UTF-16 file": (
        "agencies.yaml", "- id: post\n  name: پست\n".encode("utf-16"),
        "content/agencies.yaml:1:1: error: the file is saved as UTF-16; save it as UTF-8",
    ),
    "unclosed flow list": (
        RASHT, office("services: {add: [sim-card}"),
        "content/provinces/gilan/offices/rasht.yaml:4:28: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    "colon inside an unquoted value": (
        RASHT, office("address: خیابان امام: پلاک ۱۲"),
        "content/provinces/gilan/offices/rasht.yaml:4:23: error: YAML syntax: mapping values are not allowed in this context; put quotes around a value that contains ': '",
    ),
    "two documents in one file": (
        "agencies.yaml", "- id: post\n  name: پست\n---\n- id: telecom\n  name: مخابرات\n",
        "content/agencies.yaml:3:1: error: only one YAML document per file: remove the second '---'",
    ),
    "alias": (
        RASHT, office("hours: &h [{days: [sat], opens: '08:00', closes: '12:00'}]") + "- code: 13100125\n  kind: rural\n  status: pending\n  hours: *h\n",
        "content/provinces/gilan/offices/rasht.yaml:13:10: error: aliases (*name) are not supported: write the value out in full",
    ),
    "python tag": (
        RASHT, office("name: !!python/object:os.system x"),
        "content/provinces/gilan/offices/rasht.yaml:4:9: error: the tag tag:yaml.org,2002:python/object:os.system is not supported: remove it",
    ),
    "text where a list belongs": (
        "services.yaml", "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  documents: کارت ملی\n",
        "content/services.yaml:4:14: error: documents: expected a list, found a single value",
    ),
    "a single value where a mapping belongs": (
        RASHT, office("location: 37.28"),
        "content/provinces/gilan/offices/rasht.yaml:4:13: error: location: expected a mapping of keys (lat, lon), found a single value",
    ),
    "location outside Iran": (
        RASHT, office("location: {lat: 52.5, lon: 13.4}"),
        "content/provinces/gilan/offices/rasht.yaml:4:19: error: location.lat: 52.5 is outside 25–40",
    ),
    "phone without its area code": (
        RASHT, office('phone: "33123456"'),
        "content/provinces/gilan/offices/rasht.yaml:4:10: error: phone: '33123456' is not a phone number: write it with its area code, such as \"013-33123456\", or a mobile number such as \"09121234567\"",
    ),
    "postal code of the wrong length": (
        RASHT, office('postal_code: "41336"'),
        "content/provinces/gilan/offices/rasht.yaml:4:16: error: postal_code: '41336' has 5 digits; it must have 10",
    ),
    "time that is not a time": (
        RASHT, office("hours: [{days: [sat], opens: '8', closes: '12:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:32: error: hours.opens: '8' is not a time: write HH:MM on the 24-hour clock, such as \"07:30\"",
    ),
    "closing before opening": (
        RASHT, office("hours: [{days: [sat], opens: '14:00', closes: '08:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:49: error: closes: 08:00 is not after opens 14:00",
    ),
    "unknown day": (
        RASHT, office("hours: [{days: [saturday], opens: '08:00', closes: '12:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:19: error: hours.days: 'saturday' is not a day; write one of sat, sun, mon, tue, wed, thu, fri",
    ),
    "unknown service in a memorandum": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\nhours: [{days: [sat], opens: '07:30', closes: '19:00'}]\ncounties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n  - id: post\n    title: تفاهم‌نامه پست\n    agency: post\n    urban: [parcel, parcle]\n",
        "content/provinces/gilan/province.yaml:10:21: error: unknown service 'parcle': it is not in services.yaml; did you mean 'parcel'?",
    ),
    "memorandum that gives nothing": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\nhours: [{days: [sat], opens: '07:30', closes: '19:00'}]\ncounties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n  - id: post\n    title: تفاهم‌نامه پست\n    agency: post\n",
        "content/provinces/gilan/province.yaml:7:5: error: memorandum 'post' gives no services: list them under urban, rural, police10, kargozari",
    ),
    "duplicate county id": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\nhours: [{days: [sat], opens: '07:30', closes: '19:00'}]\ncounties:\n  - {id: rasht, name: رشت, urban_population: 750000}\n  - {id: rasht, name: رشت, urban_population: 1}\n",
        "content/provinces/gilan/province.yaml:7:10: error: county 'rasht' is defined twice: first at content/provinces/gilan/province.yaml:6:10",
    ),
    "news about an unknown province": (
        "news/1405-08-01-opening.md", "---\ntitle: خبر\ndate: 1405/08/01\nprovince: gilann\n---\nمتن\n",
        "content/news/1405-08-01-opening.md:4:11: error: unknown province 'gilann': it is not in content/provinces/; did you mean 'gilan'?",
    ),
    "page without front matter": (
        "pages/about.md", "# درباره\nمتن\n",
        "content/pages/about.md:1:1: error: a page starts with front matter between two '---' lines, such as:\n---\ntitle: …\n---",
    ),
    "bad date in front matter": (
        "news/1405-08-01-opening.md", "---\ntitle: خبر\ndate: 1405/08/32\n---\nمتن\n",
        "content/news/1405-08-01-opening.md:3:7: error: date: 1405/08/32: Aban 1405 has 30 days",
    ),
    "tariff year in force without a tariff file": (
        "site.yaml", "title: درگاه\nbase_url: https://example.org/\nlanguages: [fa]\ntariff_year: 1406\ncomplaints_line: '195'\n",
        "content/site.yaml:4:14: error: tariff_year: there is no tariffs/1406.yaml for the tariff in force",
    ),
    "empty file": (
        "services.yaml", "# nothing here yet\n",
        "content/services.yaml:1:1: error: the file is empty",
    ),
    "merge key": (
        RASHT, office("<<: {city: رشت}"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: unknown key '<<' in office; the keys are code, kind, status, name, city, village, address, postal_code, phone, location, hours, license, services, private",
    ),
    "private field with a typo is still reported": (
        RASHT, office("private: {national_id: '12345'}"),
        "content/provinces/gilan/offices/rasht.yaml:4:26: error: private.national_id: '12345' has 5 digits; it must have 10",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_at_its_place(site, name):
    path, text, expected = CASES[name]
    site.write(path, text)
    result = site.check()
    assert expected in result.err.split("\n") or expected in result.err, result.err
    assert result.code == 1
    assert "Traceback" not in result.err


def test_every_problem_is_reported_in_one_run(site):
    site.write(RASHT, office(head=OFFICE_HEAD.replace("status: active", "status: activ"), license=LICENSE.replace("1403/04/11", "1403/07/31")))
    site.write("agencies.yaml", "- id: post\n  name: پست\n  webiste: https://post.ir\n- id: telecom\n  name: مخابرات\n")
    result = site.check()
    assert [line.split(": error: ")[0] for line in result.problems] == [
        "content/agencies.yaml:3:3",
        "content/provinces/gilan/offices/rasht.yaml:3:11",
        "content/provinces/gilan/offices/rasht.yaml:8:14",
    ]
    assert result.err.splitlines()[-1] == "check failed: 3 errors, 0 warnings in content"


def test_missing_site_yaml(site):
    site.remove("site.yaml")
    result = site.check()
    assert "content/site.yaml:1:1: error: site.yaml is missing: every site needs one" in result.problems
    assert result.code == 1
