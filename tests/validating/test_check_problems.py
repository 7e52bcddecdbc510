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
    "    expires: 1409/04/11\n"
)


def office(*lines: str, head: str = OFFICE_HEAD, license: str = LICENSE) -> str:
    """An offices file with one office: the usual head, the given extra lines, then its license."""
    return head + "".join(f"  {line}\n" for line in lines) + license


CASES = {
    "duplicate key": (
        RASHT,
        office("kind: rural"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: duplicate key 'kind': it is already given at line 2, "
        "column 3; keep one",
    ),
    "unknown key with a suggestion": (
        RASHT,
        office("adress: خیابان امام"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: unknown key 'adress' in office; "
        "did you mean 'address'?",
    ),
    "unknown enum value with a suggestion": (
        RASHT,
        office(head=OFFICE_HEAD.replace("status: active", "status: activ")),
        "content/provinces/gilan/offices/rasht.yaml:3:11: error: status: 'activ' is not a status; did you mean "
        "'active'? write one of active, inactive, under_review, revoked, pending",
    ),
    "unknown kind": (
        RASHT,
        office(head=OFFICE_HEAD.replace("kind: urban", "kind: city")),
        "content/provinces/gilan/offices/rasht.yaml:2:9: error: kind: 'city' is not a kind of office; write one of "
        "urban, rural, police10, kargozari",
    ),
    "YAML 1.1 no in a yes/no field": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  specialised: no\n- id: phone-bill\n  name: قبض\n"
        "  agency: telecom\n- id: sim-card\n  name: سیم‌کارت\n  agency: telecom\n",
        "content/services.yaml:4:16: error: specialised: write true or false, not 'no'",
    ),
    "impossible date: Mehr has 30 days": (
        RASHT,
        office(license=LICENSE.replace("1409/04/11", "1403/07/31")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 1403/07/31: Mehr 1403 has 30 days",
    ),
    "Esfand 30 in a common year": (
        RASHT,
        office(license=LICENSE.replace("1398/04/12", "1402/12/30")),
        "content/provinces/gilan/offices/rasht.yaml:7:13: error: license.issued: 1402/12/30: Esfand 1402 has 29 days "
        "(1402 is not a leap year)",
    ),
    "Gregorian date where a Solar Hijri one belongs": (
        RASHT,
        office(license=LICENSE.replace("1409/04/11", "2024-07-01")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 2024-07-01: year 2024 is not a Solar "
        "Hijri year (expected 1300–1499)",
    ),
    "expiry before issue": (
        RASHT,
        office(license=LICENSE.replace("1409/04/11", "1397/01/01")),
        "content/provinces/gilan/offices/rasht.yaml:8:14: error: license.expires: 1397/01/01 is not after issued "
        "1398/04/12",
    ),
    "holder type did you mean": (
        RASHT,
        office(license=LICENSE.replace("type: person", "type: persn")),
        "content/provinces/gilan/offices/rasht.yaml:6:38: error: license.holder.type: 'persn' is not a holder type; "
        "did you mean 'person'? write one of person, company",
    ),
    "active office without license": (
        RASHT,
        office(license=""),
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office 13100123: a active office needs its license "
        "(number, holder, issued, expires); only a pending office has none",
    ),
    "missing required key": (
        RASHT,
        "- code: 13100123\n  kind: urban\n" + LICENSE,
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office: missing required key 'status'",
    ),
    "duplicate office codes across files": (
        "provinces/gilan/offices/lahijan.yaml",
        office(),
        "content/provinces/gilan/offices/rasht.yaml:1:9: error: office code 13100123 is used twice: also at "
        "content/provinces/gilan/offices/lahijan.yaml:1:9",
    ),
    "offices file named after no county": (
        "provinces/gilan/offices/rashtt.yaml",
        "[]\n",
        "content/provinces/gilan/offices/rashtt.yaml:1:1: error: 'rashtt' is not a county of gilan: an offices file is "
        "named after one of the counties in its province.yaml; did you mean 'rasht'?",
    ),
    "unknown service in an office's add": (
        RASHT,
        office("services: {add: [sim-crad]}"),
        "content/provinces/gilan/offices/rasht.yaml:4:20: error: unknown service 'sim-crad': it is not in "
        "services.yaml; did you mean 'sim-card'?",
    ),
    "unknown agency of a service": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: postt\n- id: phone-bill\n  name: قبض\n  agency: telecom\n"
        "- id: sim-card\n  name: سیم‌کارت\n  agency: telecom\n",
        "content/services.yaml:3:11: error: unknown agency 'postt': it is not in agencies.yaml; did you mean 'post'?",
    ),
    "tariff for an unknown service": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 1000\n  phone-bill: 1000\n  sim-card: 0\n"
        "  fax: 5000\n",
        "content/tariffs/1405.yaml:8:3: error: unknown service 'fax': it is not in services.yaml",
    ),
    "negative fee": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: -1000\n  phone-bill: 1000\n"
        "  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: -1000 must not be negative",
    ),
    "fee that is not a whole number": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 1000\n"
        "  phone-bill: {urban: 12.5, rural: 10}\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:6:23: error: fees phone-bill.urban: 12.5 must be a whole number of Rials",
    ),
    "tariff year disagrees with its file name": (
        "tariffs/1405.yaml",
        "year: 1404\neffective: 1404/01/01\napproval: مصوبه\nfees: {parcel: 1, phone-bill: 1, sim-card: 1}\n",
        "content/tariffs/1405.yaml:1:7: error: year: 1404 disagrees with the file name 1405.yaml; rename the file or "
        "correct the year",
    ),
    "service id that is not a slug": (
        "services.yaml",
        "- id: Parcel_Post\n  name: ارسال مرسوله\n  agency: post\n",
        "content/services.yaml:1:7: error: id: 'Parcel_Post' is not a valid id: use lower-case English letters, digits "
        "and hyphens such as 'parcel-post'",
    ),
    "path escape in an id": (
        "agencies.yaml",
        "- id: ../../etc\n  name: پست\n",
        "content/agencies.yaml:1:7: error: id: '../../etc' is not a valid id: use lower-case English letters, digits "
        "and hyphens such as 'etc'",
    ),
    "page file name that is not a slug": (
        "pages/About Us.md",
        "---\ntitle: درباره\n---\nمتن\n",
        "content/pages/About Us.md:1:1: error: the page file name 'About Us' is not a valid id: use lower-case English "
        "letters, digits and hyphens",
    ),
    "page named like the site's own pages": (
        "pages/news.md",
        "---\ntitle: خبرها\n---\nمتن\n",
        "content/pages/news.md:1:1: error: a page cannot be named 'news': the site's own pages use /news/; rename the "
        "file",
    ),
    "number too long to be a fee": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: "
        + "9" * 500
        + "\n  phone-bill: 1\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: 99999999999999999999… is too large a number",
    ),
    "fee above any real tariff": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: 10000000000000\n  phone-bill: 1\n"
        "  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: 10000000000000 must be at most 1000000000000",
    ),
    "digits of another script": (
        "tariffs/1405.yaml",
        "year: 1405\neffective: 1405/01/01\napproval: مصوبه\nfees:\n  parcel: १२३\n  phone-bill: 1\n  sim-card: 0\n",
        "content/tariffs/1405.yaml:5:11: error: fees parcel: '१२३' is not a number",
    ),
    "active office with its license left empty": (
        RASHT,
        office(license="  license:\n"),
        "content/provinces/gilan/offices/rasht.yaml:1:3: error: office 13100123: a active office needs its license "
        "(number, holder, issued, expires); only a pending office has none",
    ),
    "base URL with a query": (
        "site.yaml",
        "title: درگاه\nbase_url: https://example.org/?v=1\nlanguages: [fa]\n"
        "tariff_year: 1405\ncomplaints_line: '195'\n",
        "content/site.yaml:2:11: error: base_url: 'https://example.org/?v=1' is not a base address: write it in full, "
        "without ? or #, such as https://example.org/ or https://example.org/a/b/",
    ),
    "English as the default language": (
        "site.yaml",
        "title: درگاه\nbase_url: https://example.org/\nlanguages: [en, fa]\n"
        "tariff_year: 1405\ncomplaints_line: '195'\n",
        "content/site.yaml:3:13: error: languages: the first language is the site's default and must be fa, the "
        "content's own; en can follow it",
    ),
    "memorandum whose lists are empty": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\n"
        "counties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n"
        "  - {id: post, title: پست, agency: post, urban: [], rural: []}\n",
        "content/provinces/gilan/province.yaml:7:5: error: memorandum 'post' gives no services: list them under urban, "
        "rural, police10, kargozari",
    ),
    "YAML nested tens of thousands of levels": (
        "agencies.yaml",
        "[" * 100000 + "]" * 100000 + "\n",
        "content/agencies.yaml:1:51: error: lists and mappings are nested more than 50 levels deep here",
    ),
    "Markdown nested too deep to render": (
        "pages/about.md",
        "---\ntitle: درباره\n---\n" + "".join("    " * i + "- a\n" for i in range(30)),
        "content/pages/about.md:29:1: error: this line is nested more than 100 levels deep; a page cannot show it",
    ),
    "Windows-1256 file": (
        "agencies.yaml",
        "- id: post\n  name: شركت ملي پست\n".encode("cp1256"),
        "content/agencies.yaml:2:9: error: the file is saved in Windows-1256 (Arabic Windows) encoding, not UTF-8: "
        "open it and save it as UTF-8",
    ),
    "Latin-1 file": (
        "agencies.yaml",
        "- id: post\n  name: Café Post\n".encode("latin-1"),
        "content/agencies.yaml:2:12: error: the file is not UTF-8: byte 0xe9 cannot be read; save it as UTF-8",
    ),
    "UTF-16 file": (
        "agencies.yaml",
        "- id: post\n  name: پست\n".encode("utf-16"),
        "content/agencies.yaml:1:1: error: the file is saved as UTF-16; save it as UTF-8",
    ),
    "unclosed flow list": (
        RASHT,
        office("services: {add: [sim-card}"),
        "content/provinces/gilan/offices/rasht.yaml:4:28: error: YAML syntax: did not find expected ',' or ']' (while "
        "parsing a flow sequence)",
    ),
    "colon inside an unquoted value": (
        RASHT,
        office("address: خیابان امام: پلاک ۱۲"),
        "content/provinces/gilan/offices/rasht.yaml:4:23: error: YAML syntax: mapping values are not allowed in this "
        "context; put quotes around a value that contains ': '",
    ),
    "two documents in one file": (
        "agencies.yaml",
        "- id: post\n  name: پست\n---\n- id: telecom\n  name: مخابرات\n",
        "content/agencies.yaml:3:1: error: only one YAML document per file: remove the second '---'",
    ),
    "alias": (
        RASHT,
        office("hours: &h [{days: [sat], opens: '08:00', closes: '12:00'}]")
        + "- code: 13100125\n  kind: rural\n  status: pending\n  hours: *h\n",
        "content/provinces/gilan/offices/rasht.yaml:13:10: error: aliases (*name) are not supported: write the value "
        "out in full",
    ),
    "python tag": (
        RASHT,
        office("name: !!python/object:os.system x"),
        "content/provinces/gilan/offices/rasht.yaml:4:9: error: the tag tag:yaml.org,2002:python/object:os.system is "
        "not supported: remove it",
    ),
    "text where a list belongs": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  documents: کارت ملی\n",
        "content/services.yaml:4:14: error: documents: expected a list, found a single value",
    ),
    "a single value where a mapping belongs": (
        RASHT,
        office("location: 37.28"),
        "content/provinces/gilan/offices/rasht.yaml:4:13: error: location: expected a mapping of keys (lat, lon), "
        "found a single value",
    ),
    "location outside Iran": (
        RASHT,
        office("location: {lat: 52.5, lon: 13.4}"),
        "content/provinces/gilan/offices/rasht.yaml:4:19: error: location.lat: 52.5 is outside 25–40",
    ),
    "phone without its area code": (
        RASHT,
        office('phone: "33123456"'),
        "content/provinces/gilan/offices/rasht.yaml:4:10: error: phone: '33123456' is not a phone number: write it "
        'with its area code, such as "013-33123456", or a mobile number such as "09121234567"',
    ),
    "postal code of the wrong length": (
        RASHT,
        office('postal_code: "41336"'),
        "content/provinces/gilan/offices/rasht.yaml:4:16: error: postal_code: '41336' has 5 digits; it must have 10",
    ),
    "time that is not a time": (
        RASHT,
        office("hours: [{days: [sat], opens: '8', closes: '12:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:32: error: hours.opens: '8' is not a time: write HH:MM on the "
        '24-hour clock, such as "07:30"',
    ),
    "closing before opening": (
        RASHT,
        office("hours: [{days: [sat], opens: '14:00', closes: '08:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:49: error: closes: 08:00 is not after opens 14:00",
    ),
    "unknown day": (
        RASHT,
        office("hours: [{days: [saturday], opens: '08:00', closes: '12:00'}]"),
        "content/provinces/gilan/offices/rasht.yaml:4:19: error: hours.days: 'saturday' is not a day; write one of "
        "sat, sun, mon, tue, wed, thu, fri",
    ),
    "unknown service in a memorandum": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\n"
        "counties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n  - id: post\n"
        "    title: تفاهم‌نامه پست\n    agency: post\n    urban: [parcel, parcle]\n",
        "content/provinces/gilan/province.yaml:10:21: error: unknown service 'parcle': it is not in services.yaml; did "
        "you mean 'parcel'?",
    ),
    "memorandum that gives nothing": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\n"
        "counties: [{id: rasht, name: رشت, urban_population: 750000}]\nmemoranda:\n  - id: post\n"
        "    title: تفاهم‌نامه پست\n    agency: post\n",
        "content/provinces/gilan/province.yaml:7:5: error: memorandum 'post' gives no services: list them under urban, "
        "rural, police10, kargozari",
    ),
    "duplicate county id": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\ncounties:\n"
        "  - {id: rasht, name: رشت, urban_population: 750000}\n  - {id: rasht, name: رشت, urban_population: 1}\n",
        "content/provinces/gilan/province.yaml:7:10: error: county 'rasht' is defined twice: first at "
        "content/provinces/gilan/province.yaml:6:10",
    ),
    "news about an unknown province": (
        "news/1405-08-01-opening.md",
        "---\ntitle: خبر\ndate: 1405/08/01\nprovince: gilann\n---\nمتن\n",
        "content/news/1405-08-01-opening.md:4:11: error: unknown province 'gilann': it is not in content/provinces/; "
        "did you mean 'gilan'?",
    ),
    "page without front matter": (
        "pages/about.md",
        "# درباره\nمتن\n",
        "content/pages/about.md:1:1: error: a page starts with front matter between two '---' lines, such as:\n---\n"
        "title: …\n---",
    ),
    "bad date in front matter": (
        "news/1405-08-01-opening.md",
        "---\ntitle: خبر\ndate: 1405/08/32\n---\nمتن\n",
        "content/news/1405-08-01-opening.md:3:7: error: date: 1405/08/32: Aban 1405 has 30 days",
    ),
    "tariff year in force without a tariff file": (
        "site.yaml",
        "title: درگاه\nbase_url: https://example.org/\nlanguages: [fa]\ntariff_year: 1406\ncomplaints_line: '195'\n",
        "content/site.yaml:4:14: error: tariff_year: there is no tariffs/1406.yaml for the tariff in force",
    ),
    "empty file": (
        "services.yaml",
        "# nothing here yet\n",
        "content/services.yaml:1:1: error: the file is empty",
    ),
    "merge key": (
        RASHT,
        office("<<: {city: رشت}"),
        "content/provinces/gilan/offices/rasht.yaml:4:3: error: unknown key '<<' in office; the keys are code, kind, "
        "status, name, city, village, address, postal_code, phone, location, hours, license, services, private",
    ),
    "private field with a typo is still reported": (
        RASHT,
        office("private: {national_id: '12345'}"),
        "content/provinces/gilan/offices/rasht.yaml:4:26: error: private.national_id: '12345' has 5 digits; it must "
        "have 10",
    ),
    # Characters that change how text reads: refused where they stand, never published.
    "right-to-left override in a name": (
        "agencies.yaml",
        "- id: post\n  name: شرکت \u202eملی پست\n- id: telecom\n  name: مخابرات\n",
        "content/agencies.yaml:2:14: error: the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is here: it "
        "changes how the text around it is shown, so it cannot be published; delete it (most editors do not show it)",
    ),
    "isolate in an address": (
        RASHT,
        office("address: خیابان \u2067امام\u2069، پلاک ۱۲"),
        "content/provinces/gilan/offices/rasht.yaml:4:19: error: the invisible character U+2067 (RIGHT-TO-LEFT "
        "ISOLATE) is here: it changes how the text around it is shown, so it cannot be published; delete it (most "
        "editors do not show it)",
    ),
    "escape character in a license holder's name": (
        RASHT,
        office(license=LICENSE.replace("مریم احمدی", "مریم\x1b[2Jاحمدی")),
        "content/provinces/gilan/offices/rasht.yaml:6:24: error: the invisible character U+001B (a control character) "
        "is here: it changes how the text around it is shown, so it cannot be published; delete it (most editors do "
        "not show it)",
    ),
    "C1 control in a list item": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  documents: [کارت ملی, شناسنامه\x85]\n",
        "content/services.yaml:4:33: error: the invisible character U+0085 (a control character) is here: it changes "
        "how the text around it is shown, so it cannot be published; delete it (most editors do not show it)",
    ),
    "control character in a key": (
        "agencies.yaml",
        "- id: post\n  na\x07me: پست\n",
        "content/agencies.yaml:2:5: error: the invisible character U+0007 (a control character) is here: it changes "
        "how the text around it is shown, so it cannot be published; delete it (most editors do not show it)",
    ),
    "control character written as an escape": (
        "agencies.yaml",
        '- id: post\n  name: "شرکت \\u202eملی پست"\n',
        "content/agencies.yaml:2:9: error: name: the escape for the invisible character U+202E (RIGHT-TO-LEFT "
        "OVERRIDE) changes how the text is shown, so it cannot be published; remove it",
    ),
    "embedding in a news title": (
        "news/1405-08-01-opening.md",
        "---\ntitle: آغاز \u202bبه کار\ndate: 1405/08/01\n---\nمتن خبر.\n",
        "content/news/1405-08-01-opening.md:2:13: error: the invisible character U+202B (RIGHT-TO-LEFT EMBEDDING) is "
        "here: it changes how the text around it is shown, so it cannot be published; delete it (most editors do not "
        "show it)",
    ),
    "override in a page's Markdown": (
        "pages/about.md",
        "---\ntitle: درباره\n---\nدرباره\n\nاین درگاه \u202eرا\n",
        "content/pages/about.md:6:11: error: the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) is here: it "
        "changes how the text around it is shown, so it cannot be published; delete it (most editors do not show it)",
    ),
    # Resources: every limit is named, at the place it is crossed.
    "enormous text value": (
        "agencies.yaml",
        "- id: post\n  name: " + "پ" * 5000 + "\n",
        "content/agencies.yaml:2:9: error: name: the value is 5,000 characters long; a value holds at most 3,000 (see "
        "the limits in docs/content.md)",
    ),
    "enormous key": (
        "agencies.yaml",
        "- id: post\n  name: پست\n  " + "k" * 1000 + ": x\n",
        "content/agencies.yaml:3:3: error: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…' "
        "in agency; the keys are id, name, name_en, website",
    ),
    "enormous YAML file": (
        "agencies.yaml",
        "- id: post\n  name: پست\n" + "# " + "x" * 10_000_000 + "\n",
        "content/agencies.yaml:1:1: error: the file is larger than 10,000,000 bytes, the most a file of its kind may "
        "hold (see the limits in docs/content.md)",
    ),
    "enormous page": (
        "pages/about.md",
        "---\ntitle: درباره\n---\n" + "متن بلند. " * 6000,
        "content/pages/about.md:1:1: error: the file is larger than 64,000 bytes, the most a file of its kind may hold "
        "(see the limits in docs/content.md)",
    ),
    "enormous list": (
        "services.yaml",
        "- id: parcel\n  name: ارسال مرسوله\n  agency: post\n  documents:\n" + "    - سند\n" * 1001,
        "content/services.yaml:1005:7: error: documents: a list here holds at most 1,000 items, and this one has "
        "1,001; see the limits in docs/content.md",
    ),
    "file with more values than any content needs": (
        "agencies.yaml",
        "[" + "a," * 600_000 + "]\n",
        "content/agencies.yaml:1:1000000: error: a file holds at most 500,000 values (keys, values and list items), "
        "and this one has more from here on; see the limits in docs/content.md",
    ),
    "lists nested thousands of levels deep in block style": (
        "agencies.yaml",
        "- " * 300_000 + "x\n",
        "content/agencies.yaml:1:101: error: lists and mappings are nested more than 50 levels deep here",
    ),
    # Markdown that python-markdown would take minutes on.
    "paragraph of too many lines": (
        "pages/about.md",
        "---\ntitle: درباره\n---\n" + "- بند\n" * 201,
        "content/pages/about.md:204:1: error: a paragraph, list or table has at most 200 lines with no blank line "
        "between them, and this one has 201: put a blank line between its parts",
    ),
    "paragraph of too many characters": (
        "pages/about.md",
        "---\ntitle: درباره\n---\n" + "متن " * 5001,
        "content/pages/about.md:4:20001: error: a paragraph, list or table has at most 20,000 characters with no blank "
        "line between them, and this one has 20,004: put a blank line between its parts",
    ),
    "bracket that nothing closes": (
        "pages/about.md",
        "---\ntitle: درباره\n---\nبند اول\n\nبند [دوم\nو سوم\n",
        "content/pages/about.md:6:5: error: this '[' is not closed by a ']' in its paragraph; close it, or write \\[ "
        "for a bracket that starts no link",
    ),
    "brackets nested too deep": (
        "pages/about.md",
        "---\ntitle: درباره\n---\n[[[[a]]]](https://example.org/)\n",
        "content/pages/about.md:4:4: error: brackets are nested more than 3 deep here; write \\[ for a bracket that "
        "starts no link",
    ),
    "link address that nothing closes": (
        "news/1405-08-01-opening.md",
        '---\ntitle: خبر\ndate: 1405/08/01\n---\n[پیوند](https://example.org/a "عنوان) و ادامه\n',
        "content/news/1405-08-01-opening.md:5:8: error: this link's address is not closed by ')' on its line, or has "
        'quotes that are not its title; write [text](https://…) or [text](https://… "title")',
    ),
    "code span that nothing closes": (
        "pages/about.md",
        "---\ntitle: درباره\n---\nدستور ``a` را بزنید\n",
        "content/pages/about.md:4:7: error: this '``' starts code that no '``' closes in its paragraph; close it, or "
        "write \\` for a backtick",
    ),
    # Content that contradicts itself.
    "two counties whose names differ only in ی/ک, the non-joiner and spaces": (
        "provinces/gilan/province.yaml",
        "name: گیلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\n"
        "counties:\n  - {id: rasht, name: رشت, urban_population: 750000}\n"
        "  - {id: some-abad, name: صومعه سرا, urban_population: 1}\n"
        "  - {id: some-sara, name: صومعه‌سرا, urban_population: 1}\n",
        "content/provinces/gilan/province.yaml:8:27: error: county name 'صومعه‌سرا' is the name of 'صومعه سرا' at "
        "content/provinces/gilan/province.yaml:7:27: names that differ only in ی/ک, the zero-width non-joiner or "
        "spaces are one name; correct one of them",
    ),
    "two provinces of one name": (
        "provinces/guilan/province.yaml",
        "name: گيلان\ncenter: رشت\ndirectorate: {name: اداره کل}\n"
        "hours: [{days: [sat], opens: '07:30', closes: '19:00'}]\n"
        "counties: [{id: rasht, name: رشت, urban_population: 750000}]\n",
        "content/provinces/guilan/province.yaml:1:7: error: province name 'گیلان' is the name of 'گیلان' at "
        "content/provinces/gilan/province.yaml:1:7: names that differ only in ی/ک, the zero-width non-joiner or spaces "
        "are one name; correct one of them",
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
    site.write(
        RASHT,
        office(
            head=OFFICE_HEAD.replace("status: active", "status: activ"),
            license=LICENSE.replace("1409/04/11", "1403/07/31"),
        ),
    )
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


def test_news_dated_after_the_build_date_is_an_error(site):
    site.write("news/1405-09-02-next.md", "---\ntitle: خبر فردا\ndate: 1405/09/02\n---\nمتن\n")
    result = site.check("--today", "1405/09/01")
    assert result.problems == [
        "content/news/1405-09-02-next.md:3:7: error: date: 1405/09/02 is after the build date 1405/09/01; correct the "
        "date, or add the news on its day",
    ]
    assert result.code == 1
    assert site.check("--today", "1405/09/02").code == 0


def test_joiners_and_directional_marks_are_kept(site):
    # ZWNJ and ZWJ spell Persian; LRM, RLM and ALM are typed on Persian keyboards and reorder nothing beyond their
    # neighbours.
    site.write(RASHT, office("address: خیابان\u200cامام، ساختمان \u200eA-12\u200f، طبقه\u061c ۲، ها\u200dی"))
    result = site.check()
    assert result.code == 0, result.err
    assert result.problems == []


def test_messages_show_control_characters_escaped(site):
    site.write("pages/about\x1b[2J\u202e.md", "---\ntitle: درباره\n---\nمتن\n")
    result = site.check()
    assert "\x1b" not in result.err and "\u202e" not in result.err
    assert (
        "content/pages/about\\x1b[2J\\u202e.md:1:1: error: the page file name 'about\\x1b[2J\\u202e' is not a valid "
        "id: use lower-case English letters, digits and hyphens" in result.problems
    )


def test_a_file_with_thousands_of_mistakes_reports_the_first_ones(site):
    site.write("agencies.yaml", "- id: post\n  name: پست\n" + "".join(f"  k{number}: x\n" for number in range(5000)))
    result = site.check()
    in_file = [line for line in result.problems if line.startswith("content/agencies.yaml:")]
    assert len(in_file) == 201
    assert (
        in_file[-1]
        == "content/agencies.yaml:203:3: error: this file has more than 200 problems; the rest are not shown: fix "
        "these and check again"
    )
