"""`build.py synth`: write a complete, valid national content tree to measure the build on.

The 31 provinces and their counties are real (synth_data/provinces.json); agencies are the real
service providers; services, offices and people are generated from a seed, so the same seed
always writes the same files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

from .models import DAYS

DATA = Path(__file__).with_name("synth_data") / "provinces.json"
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Agency id, name, and the things its services are about.
AGENCIES = [
    ("post", "شرکت ملی پست", ["مرسوله سفارشی", "مرسوله پیشتاز", "بسته پستی", "صندوق پستی", "کد پستی"]),
    ("post-bank", "پست بانک ایران", ["حساب سپرده", "کارت بانکی", "وام قرض‌الحسنه", "انتقال وجه", "چک"]),
    ("tci", "شرکت مخابرات ایران", ["تلفن ثابت", "اینترنت پرسرعت", "قبض تلفن", "خط تلفن", "تلفن همراه"]),
    ("abfa", "شرکت آب و فاضلاب", ["انشعاب آب", "قبض آب", "کنتور آب", "انشعاب فاضلاب", "مالکیت اشتراک آب"]),
    ("power", "شرکت توزیع نیروی برق", ["انشعاب برق", "قبض برق", "کنتور برق", "قدرت انشعاب", "مالکیت اشتراک برق"]),
    ("gas", "شرکت ملی گاز ایران", ["انشعاب گاز", "قبض گاز", "کنتور گاز", "مالکیت اشتراک گاز", "لوله‌کشی گاز"]),
    ("bank-melli", "بانک ملی ایران", ["حساب جاری", "کارت ملی بانکی", "وام ازدواج", "تسهیلات مسکن", "رمز پویا"]),
    (
        "rmto",
        "سازمان راهداری و حمل و نقل جاده‌ای",
        ["کارت هوشمند ناوگان", "کارت هوشمند راننده", "بارنامه", "صورت وضعیت مسافر", "دفترچه تردد"],
    ),
    (
        "ihio",
        "سازمان بیمه سلامت ایران",
        ["دفترچه بیمه", "بیمه روستاییان", "بیمه همگانی", "پرونده الکترونیک سلامت", "پزشک خانواده"],
    ),
    ("tamin", "سازمان تأمین اجتماعی", ["سابقه بیمه", "بیمه اختیاری", "مستمری", "کمک‌هزینه ازدواج", "فیش حقوقی"]),
    ("sabt", "سازمان ثبت احوال کشور", ["کارت هوشمند ملی", "شناسنامه", "گواهی فوت", "ثبت ولادت", "تغییر نام"]),
    (
        "judiciary",
        "قوه قضاییه (خدمات الکترونیک)",
        ["سامانه ثنا", "ابلاغیه الکترونیک", "دادخواست", "پرونده قضایی", "گواهی عدم سوءپیشینه"],
    ),
    (
        "tax",
        "سازمان امور مالیاتی کشور",
        ["اظهارنامه مالیاتی", "کد اقتصادی", "مالیات خودرو", "گواهی مالیاتی", "مالیات اجاره"],
    ),
    ("police", "پلیس (خدمات انتظامی)", ["گواهینامه رانندگی", "گذرنامه", "پلاک خودرو", "خلافی خودرو", "معافیت تحصیلی"]),
    ("sso", "سازمان ثبت اسناد و املاک کشور", ["سند مالکیت", "استعلام ملک", "اجاره‌نامه", "وکالت‌نامه", "ثبت شرکت"]),
    (
        "welfare",
        "سازمان بهزیستی کشور",
        ["مستمری بهزیستی", "کارت معلولیت", "مراکز نگهداری", "مشاوره خانواده", "کمک‌هزینه تحصیل"],
    ),
    ("relief", "کمیته امداد امام خمینی", ["مستمری امداد", "وام اشتغال", "جهیزیه", "کمک‌هزینه درمان", "بیمه مددجویان"]),
    (
        "education",
        "وزارت آموزش و پرورش",
        ["ثبت‌نام مدارس", "ارزشیابی تحصیلی", "گواهی تحصیلی", "نقل و انتقال دانش‌آموز", "کارنامه"],
    ),
    ("agri", "بانک کشاورزی", ["حساب کشاورزی", "تسهیلات کشاورزی", "بیمه محصولات", "کارت کشاورز", "اقساط"]),
    ("ntsw", "سازمان توسعه تجارت ایران", ["کارت بازرگانی", "ثبت سفارش", "گواهی مبدأ", "شناسه کالا", "مجوز صادرات"]),
]
ACTIONS = ["ثبت درخواست", "پیگیری", "صدور المثنی", "تمدید", "استعلام", "پرداخت", "تغییر", "ابطال"]
FIRST_NAMES = [
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "امیر",
    "حمید",
    "سعید",
    "مریم",
    "زهرا",
    "فاطمه",
    "سارا",
    "نرگس",
    "لیلا",
    "مینا",
    "الهام",
]
LAST_NAMES = [
    "احمدی",
    "محمدی",
    "حسینی",
    "رضایی",
    "کریمی",
    "موسوی",
    "جعفری",
    "صادقی",
    "رحیمی",
    "نوری",
    "قاسمی",
    "عباسی",
    "طاهری",
    "کاظمی",
]
VILLAGES = [
    "آبادی",
    "سرخ\u200cآباد",
    "کلاته",
    "چشمه\u200cعلی",
    "دهنو",
    "قلعه\u200cنو",
    "امیرآباد",
    "حسین\u200cآباد",
    "علی\u200cآباد",
    "ده\u200cبالا",
    "گل\u200cسفید",
    "باغستان",
]
STREETS = ["امام", "آزادی", "انقلاب", "شریعتی", "طالقانی", "مطهری", "بهشتی", "فردوسی", "سعدی", "حافظ"]
STATUSES = [("active", 80), ("inactive", 7), ("under_review", 5), ("revoked", 3), ("pending", 5)]
HOURS = [
    {"days": list(DAYS[:5]), "opens": "07:30", "closes": "19:00"},
    {"days": ["thu"], "opens": "07:30", "closes": "13:00"},
]
SCHEMA_LINE = "# yaml-language-server: $schema={}schemas/{}.schema.json\n"


def dump(path: Path, data: object, schema: str | None = None, depth: int = 0) -> None:
    """Write YAML the way editors write it: block style, Persian as is, the schema named on line one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = SCHEMA_LINE.format("../" * (depth + 1), schema) if schema else ""
    path.write_text(
        head + yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )


def services_catalogue(count: int) -> list[dict]:
    """Return `count` services dealt round the agencies in turn, named action + subject; every ninth is specialised."""
    per_agency = [[(agency, action, subject) for subject in agency[2] for action in ACTIONS] for agency in AGENCIES]
    chosen = [per_agency[index % len(AGENCIES)][index // len(AGENCIES)] for index in range(count)]
    return [
        {
            "id": f"{agency[0]}-{agency[2].index(subject) + 1}-{ACTIONS.index(action) + 1}",
            "name": f"{action} {subject}",
            "agency": agency[0],
            "specialised": index % 9 == 0,
            "documents": ["کارت ملی", "شناسنامه"][: 1 + index % 2],
        }
        for index, (agency, action, subject) in enumerate(chosen)
    ]


def tariff(
    year: int, services: list[dict], rng: random.Random, base: dict[str, int] | None
) -> tuple[dict, dict[str, int]]:
    """Return one year's tariff and its urban fees (the next year raises them by a quarter)."""
    fees, urban = {}, {}
    for service in services:
        fee = round(base[service["id"]] * 1.25, -3) if base else rng.randrange(20, 600) * 1000
        urban[service["id"]] = int(fee)
        fees[service["id"]] = (
            {"urban": int(fee), "rural": int(fee * 0.8) // 1000 * 1000} if rng.random() < 0.1 else int(fee)
        )
    return {
        "year": year,
        "effective": f"{year}/01/01",
        "approval": f"مصوبه شماره {year}/{rng.randrange(100, 999)} کارگروه تعیین تعرفه",
        "fees": fees,
    }, urban


def memoranda(services: list[dict], rng: random.Random) -> list[dict]:
    """Return a province's memoranda: 11 agencies' services for urban and rural offices, police and brokerage lists."""
    by_agency: dict[str, list[str]] = {}
    for service in services:
        if not service["specialised"]:  # specialised services reach an office only through its own `add`
            by_agency.setdefault(service["agency"], []).append(service["id"])
    memos = []
    for agency, _, _ in rng.sample([a for a in AGENCIES if a[0] not in ("police", "tamin")], 11):
        ids = by_agency.get(agency, [])
        urban = sorted(rng.sample(ids, min(len(ids), 7)))
        memos.append(
            {
                "id": f"memo-{agency}",
                "title": f"تفاهم‌نامه با {dict((a[0], a[1]) for a in AGENCIES)[agency]}",
                "agency": agency,
                "signed": f"{rng.randrange(1396, 1405)}/{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}",
                "urban": urban,
                "rural": urban[: len(urban) // 2],
            }
        )
    memos.append(
        {"id": "memo-police", "title": "تفاهم‌نامه با پلیس", "agency": "police", "police10": by_agency["police"]}
    )
    memos.append(
        {"id": "memo-tamin", "title": "تفاهم‌نامه با تأمین اجتماعی", "agency": "tamin", "kargozari": by_agency["tamin"]}
    )
    return memos


def office(code: str, kind: str, county: dict, province: dict, services: list[str], rng: random.Random) -> dict:
    """Return one office as an editor would write it."""
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    entry: dict = {"code": code, "kind": kind, "status": status}
    if kind == "rural":
        entry["village"] = rng.choice(VILLAGES)
    else:
        entry["city"] = rng.choice(county["cities"])
    entry["address"] = f"خیابان {rng.choice(STREETS)}، پلاک {rng.randrange(1, 300)}"
    entry["postal_code"] = f"{rng.randrange(1, 10)}{rng.randrange(10**8, 10**9)}"
    entry["phone"] = f"{province['area_code']}-{rng.randrange(3, 4)}{rng.randrange(10**6, 10**7)}"
    entry["location"] = {
        "lat": round(county["lat"] + rng.uniform(-0.05, 0.05), 4),
        "lon": round(county["lon"] + rng.uniform(-0.05, 0.05), 4),
    }
    if status != "pending":
        # An active office's license is in force (a directorate revokes or suspends the rest): issued 1401-1404, it
        # runs to 1406-1409. Inactive and revoked offices keep licenses of any age.
        issued = rng.randrange(1401, 1405) if status == "active" else rng.randrange(1395, 1405)
        person = rng.random() < 0.7
        name = (
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if person
            else f"شرکت خدمات پیشخوان {rng.choice(LAST_NAMES)}"
        )
        month, day = rng.randrange(1, 13), rng.randrange(1, 30)
        entry["license"] = {
            "number": str(rng.randrange(10**6, 10**7)),
            "holder": {"name": name, "type": "person" if person else "company"},
            "issued": f"{issued}/{month:02d}/{day:02d}",
            "expires": f"{issued + 5}/{month:02d}/{day:02d}",
        }
    if services and rng.random() < 0.3:
        entry["services"] = {"add": sorted(rng.sample(services, 2))}
    if rng.random() < 0.5:
        entry["private"] = {
            "national_id": f"{rng.randrange(10**9, 10**10)}",
            "mobile": f"09{rng.randrange(10**8, 10**9)}",
        }
    return entry


def synthesise(target: Path, offices: int, seed: int, services: int = 700) -> int:
    """Write a national content tree into target; return the number of files written."""
    rng = random.Random(seed)
    provinces = json.loads(DATA.read_text(encoding="utf-8"))
    catalogue = services_catalogue(services)
    written = 0

    def write(relative: str, data: object, schema: str | None = None) -> None:
        nonlocal written
        dump(target / relative, data, schema, relative.count("/"))
        written += 1

    write(
        "site.yaml",
        {
            "title": "درگاه شفافیت دفاتر پیشخوان خدمات دولت (داده ساختگی)",
            "base_url": "https://pishkhan.example.ir/",
            "languages": ["fa", "en"],
            "tariff_year": 1405,
            "complaints_line": "195",
            "sample": True,
        },
        "site",
    )
    write("agencies.yaml", [{"id": a, "name": name} for a, name, _ in AGENCIES], "agencies")
    write("services.yaml", catalogue, "services")
    first, urban_fees = tariff(1404, catalogue, rng, None)
    write("tariffs/1404.yaml", first, "tariff")
    write("tariffs/1405.yaml", tariff(1405, catalogue, rng, urban_fees)[0], "tariff")
    specialised = [s["id"] for s in catalogue if s["specialised"]]
    counties = [(province, county) for province in provinces for county in province["counties"]]
    weights = [county["urban_population"] for _, county in counties]
    # Every county has at least one office; the rest follow the urban population.
    per_county = [1] * len(counties)
    for index in rng.choices(range(len(counties)), weights, k=max(0, offices - len(counties))):
        per_county[index] += 1
    for number, province in enumerate(provinces, start=10):
        write(
            f"provinces/{province['id']}/province.yaml",
            {
                "name": province["name"],
                "name_en": province["name_en"],
                "center": province["center"],
                "directorate": {
                    "name": f"اداره کل ارتباطات و فناوری اطلاعات استان {province['name']}",
                    "phone": f"{province['area_code']}-32000000",
                },
                "hours": HOURS,
                "counties": [
                    {
                        "id": c["id"],
                        "name": c["name"],
                        "name_en": c["name_en"],
                        "urban_population": c["urban_population"],
                        "cities": c["cities"],
                    }
                    for c in province["counties"]
                ],
                "memoranda": memoranda(catalogue, rng),
            },
            "province",
        )
        for county_number, county in enumerate(province["counties"], start=100):
            count = per_county[counties.index((province, county))]
            kinds = rng.choices(["urban", "rural", "police10", "kargozari"], [66, 24, 8, 2], k=count)
            entries = [
                office(f"{number}{county_number}{sequence:05d}", kind, county, province, specialised, rng)
                for sequence, kind in enumerate(kinds, start=1)
            ]
            write(f"provinces/{province['id']}/offices/{county['id']}.yaml", entries, "offices")
    for slug, title in (("about", "درباره درگاه"), ("complaints", "شکایات")):
        (target / "pages").mkdir(parents=True, exist_ok=True)
        (target / "pages" / f"{slug}.md").write_text(
            f"---\ntitle: {title}\n---\nاین محتوا برای سنجش سرعت ساخته شده است.\n", encoding="utf-8"
        )
        written += 1
    (target / "news").mkdir(parents=True, exist_ok=True)
    (target / "news" / "1405-09-01-synthetic.md").write_text(
        "---\ntitle: داده ساختگی\ndate: 1405/09/01\n---\nخبر ساختگی.\n", encoding="utf-8"
    )
    return written + 1
