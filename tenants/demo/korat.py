"""จังหวัดนครราชสีมา (Korat): the demo tenants, their supervision, org structure, positions and people.

Plain data, read by ``tenants/management/commands/load_demo.py``. Place names are real; people are
invented; letter numbers (เลขประจำส่วนราชการ) and unit numbers are illustrative (see docs/demo.md).

Placeholders in unit names/numbers and position titles, filled per agency:
``{name}`` the agency's Thai name, ``{place}`` its short place name, ``{n}`` its letter number.
"""

PROVINCE = "นครราชสีมา"
LETTER_CODE = "นม"
PASSWORD_ENV = "EOFFICE_DEMO_PASSWORD"  # noqa: S105 (the name of the variable)
PASSWORD_DEFAULT = "korat-demo-2569"  # noqa: S105 (demo only; never on a real installation)

# --- agencies -------------------------------------------------------------------------------------------
# ``supervisor``: the agency whose supervision list this one is on (data, not geography).
# ``structure``: a key of STRUCTURES below.
AGENCIES: list[dict] = [
    {
        "slug": "korat-province", "name_th": "ศาลากลางจังหวัดนครราชสีมา", "name_en": "Nakhon Ratchasima Provincial Hall",
        "kind": "provincial_office", "district": "เมืองนครราชสีมา", "letter_number": "0017", "place": "นครราชสีมา",
        "structure": "province", "supervisor": None,
    },
    {
        "slug": "korat-pao", "name_th": "องค์การบริหารส่วนจังหวัดนครราชสีมา",
        "name_en": "Nakhon Ratchasima Provincial Administrative Organization",
        "kind": "pao", "district": "เมืองนครราชสีมา", "letter_number": "51001", "place": "นครราชสีมา",
        "structure": "pao", "supervisor": "korat-province",
    },
    {
        "slug": "korat-city", "name_th": "เทศบาลนครนครราชสีมา", "name_en": "Nakhon Ratchasima City Municipality",
        "kind": "city_municipality", "district": "เมืองนครราชสีมา", "letter_number": "52001", "place": "นครนครราชสีมา",
        "structure": "city", "supervisor": "korat-province",
    },
    {
        "slug": "pakchong-town", "name_th": "เทศบาลเมืองปากช่อง", "name_en": "Pak Chong Town Municipality",
        "kind": "town_municipality", "district": "ปากช่อง", "letter_number": "52101", "place": "เมืองปากช่อง",
        "structure": "town", "supervisor": "korat-province",
    },
    {
        "slug": "sikhio-town", "name_th": "เทศบาลเมืองสีคิ้ว", "name_en": "Sikhio Town Municipality",
        "kind": "town_municipality", "district": "สีคิ้ว", "letter_number": "52102", "place": "เมืองสีคิ้ว",
        "structure": "town", "supervisor": "korat-province",
    },
    {
        "slug": "buayai-town", "name_th": "เทศบาลเมืองบัวใหญ่", "name_en": "Bua Yai Town Municipality",
        "kind": "town_municipality", "district": "บัวใหญ่", "letter_number": "52103", "place": "เมืองบัวใหญ่",
        "structure": "town", "supervisor": "korat-province",
    },
]

# The nine districts the roll-out trained first: (slug suffix, Thai name, English name).
DISTRICTS: list[tuple[str, str, str]] = [
    ("mueang", "เมืองนครราชสีมา", "Mueang Nakhon Ratchasima"),
    ("soengsang", "เสิงสาง", "Soeng Sang"),
    ("khong", "คง", "Khong"),
    ("banlueam", "บ้านเหลื่อม", "Ban Lueam"),
    ("chokchai", "โชคชัย", "Chok Chai"),
    ("khamsakaesaeng", "ขามสะแกแสง", "Kham Sakaesaeng"),
    ("prathai", "ประทาย", "Prathai"),
    ("pakchong", "ปากช่อง", "Pak Chong"),
    ("wangnamkhiao", "วังน้ำเขียว", "Wang Nam Khiao"),
]
for _i, (_key, _th, _en) in enumerate(DISTRICTS, start=1):
    AGENCIES.append({
        "slug": f"amphoe-{_key}", "name_th": f"ที่ว่าการอำเภอ{_th}", "name_en": f"{_en} District Office",
        "kind": "district_office", "district": _th, "letter_number": f"0318.{_i}", "place": _th,
        "structure": "district", "supervisor": "korat-province",
    })

# Local governments under each district: (slug, kind, Thai place name, English place name, letter number).
LOCAL: dict[str, list[tuple[str, str, str, str, str]]] = {
    "mueang": [
        ("tb-joho", "subdistrict_municipality", "จอหอ", "Cho Ho", "52201"),
        ("sao-nongchabok", "sao", "หนองจะบก", "Nong Chabok", "81101"),
    ],
    "soengsang": [
        ("tb-soengsang", "subdistrict_municipality", "เสิงสาง", "Soeng Sang", "52202"),
        ("sao-sukphaibun", "sao", "สุขไพบูลย์", "Suk Phaibun", "81102"),
    ],
    "khong": [
        ("tb-mueangkhong", "subdistrict_municipality", "เมืองคง", "Mueang Khong", "52203"),
        ("sao-thephalai", "sao", "เทพาลัย", "Thephalai", "81103"),
    ],
    "banlueam": [
        ("tb-banlueam", "subdistrict_municipality", "บ้านเหลื่อม", "Ban Lueam", "52204"),
        ("sao-wangpho", "sao", "วังโพธิ์", "Wang Pho", "81104"),
    ],
    "chokchai": [
        ("tb-chokchai", "subdistrict_municipality", "โชคชัย", "Chok Chai", "52205"),
        ("sao-thaang", "sao", "ท่าอ่าง", "Tha Ang", "81105"),
    ],
    "khamsakaesaeng": [
        ("tb-khamsakaesaeng", "subdistrict_municipality", "ขามสะแกแสง", "Kham Sakaesaeng", "52206"),
        ("sao-mueangnat", "sao", "เมืองนาท", "Mueang Nat", "81106"),
    ],
    "prathai": [
        ("tb-prathai", "subdistrict_municipality", "ประทาย", "Prathai", "52207"),
        ("sao-nongkhai", "sao", "หนองค่าย", "Nong Khai", "81107"),
    ],
    "pakchong": [
        ("tb-klangdong", "subdistrict_municipality", "กลางดง", "Klang Dong", "52208"),
        ("sao-nongsarai", "sao", "หนองสาหร่าย", "Nong Sarai", "81108"),
        ("sao-khanongphra", "sao", "ขนงพระ", "Khanong Phra", "81109"),
    ],
    "wangnamkhiao": [
        ("tb-wangnamkhiao", "subdistrict_municipality", "วังน้ำเขียว", "Wang Nam Khiao", "52209"),
        ("sao-thaisamakkhi", "sao", "ไทยสามัคคี", "Thai Samakkhi", "81110"),
        ("sao-udomsap", "sao", "อุดมทรัพย์", "Udom Sap", "81111"),
    ],
}
_DISTRICT_TH = {key: th for key, th, _en in DISTRICTS}
for _district, _locals in LOCAL.items():
    for _slug, _kind, _th, _en, _number in _locals:
        _tb = _kind == "subdistrict_municipality"
        AGENCIES.append({
            "slug": _slug,
            "name_th": f"เทศบาลตำบล{_th}" if _tb else f"องค์การบริหารส่วนตำบล{_th}",
            "name_en": f"{_en} Subdistrict Municipality" if _tb else f"{_en} Subdistrict Administrative Organization",
            "kind": _kind, "district": _DISTRICT_TH[_district], "letter_number": _number,
            "place": f"ตำบล{_th}" if _tb else _th,
            "structure": "subdistrict" if _tb else "sao", "supervisor": f"amphoe-{_district}",
        })

# --- org structures -------------------------------------------------------------------------------------
# A unit: name, kind (office/division/section/work/other), number, children.
# A position: title (printed on letters), unit (a unit name), line (ตำแหน่งในสายงาน), level,
# elected, executive, grants (roles every holder of the position gets).
_HEAD = ["head"]


def _municipal_units(*, education: str, health: bool) -> list[dict]:
    units = [
        {"name": "สำนักปลัดเทศบาล", "kind": "office", "number": "{n}.1", "children": [
            {"name": "ฝ่ายบริหารงานทั่วไป", "kind": "section"},
            {"name": "ฝ่ายปกครอง", "kind": "section"},
        ]},
        {"name": "กองคลัง", "kind": "division", "number": "{n}.2", "children": [
            {"name": "ฝ่ายบริหารงานคลัง", "kind": "section"},
            {"name": "ฝ่ายพัฒนารายได้", "kind": "section"},
        ]},
        {"name": "กองช่าง", "kind": "division", "number": "{n}.3", "children": [
            {"name": "ฝ่ายแบบแผนและก่อสร้าง", "kind": "section"},
        ]},
        {"name": education, "kind": "division", "number": "{n}.4"},
    ]
    if health:
        units.append({"name": "กองสาธารณสุขและสิ่งแวดล้อม", "kind": "division", "number": "{n}.5"})
    return units


def _municipal_positions(*, palad_level: str, director_level: str, education: str) -> list[dict]:
    return [
        {"title": "นายกเทศมนตรี{place}", "elected": True, "executive": True, "grants": _HEAD},
        {"title": "รองนายกเทศมนตรี{place}", "elected": True, "executive": True},
        {"title": "ปลัดเทศบาล{place}", "unit": "สำนักปลัดเทศบาล", "line": "นักบริหารงานท้องถิ่น",
         "level": palad_level, "executive": True, "grants": _HEAD},
        {"title": "หัวหน้าสำนักปลัดเทศบาล", "unit": "สำนักปลัดเทศบาล", "line": "นักบริหารงานทั่วไป",
         "level": director_level},
        {"title": "ผู้อำนวยการกองคลัง", "unit": "กองคลัง", "line": "นักบริหารงานการคลัง", "level": director_level},
        {"title": "ผู้อำนวยการกองช่าง", "unit": "กองช่าง", "line": "นักบริหารงานช่าง", "level": director_level},
        {"title": f"ผู้อำนวยการ{education}", "unit": education, "line": "นักบริหารงานการศึกษา", "level": director_level},
    ]


# Staff posts of a เทศบาลเมือง (the demo logins of เทศบาลเมืองปากช่อง hold these).
_TOWN_STAFF = [
    {"title": "นักจัดการงานทั่วไปชำนาญการ", "unit": "ฝ่ายบริหารงานทั่วไป", "line": "นักจัดการงานทั่วไป", "level": "ชำนาญการ"},
    {"title": "เจ้าพนักงานธุรการชำนาญงาน", "unit": "ฝ่ายบริหารงานทั่วไป", "line": "เจ้าพนักงานธุรการ", "level": "ชำนาญงาน"},
    {"title": "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", "unit": "ฝ่ายบริหารงานทั่วไป", "line": "นักวิชาการคอมพิวเตอร์",
     "level": "ปฏิบัติการ"},
    {"title": "เจ้าพนักงานธุรการปฏิบัติงาน", "unit": "กองช่าง", "line": "เจ้าพนักงานธุรการ", "level": "ปฏิบัติงาน"},
    {"title": "วิศวกรโยธาปฏิบัติการ", "unit": "ฝ่ายแบบแผนและก่อสร้าง", "line": "วิศวกรโยธา", "level": "ปฏิบัติการ"},
    {"title": "นายช่างโยธาอาวุโส", "unit": "ฝ่ายแบบแผนและก่อสร้าง", "line": "นายช่างโยธา", "level": "อาวุโส"},
    {"title": "นักวิชาการเงินและบัญชีชำนาญการ", "unit": "ฝ่ายบริหารงานคลัง", "line": "นักวิชาการเงินและบัญชี",
     "level": "ชำนาญการ"},
]

STRUCTURES: dict[str, dict[str, list[dict]]] = {
    "province": {
        "units": [
            {"name": "สำนักงานจังหวัดนครราชสีมา", "kind": "office", "number": "{n}.1", "children": [
                {"name": "กลุ่มงานอำนวยการ", "kind": "section"},
                {"name": "กลุ่มงานยุทธศาสตร์และข้อมูลเพื่อการพัฒนาจังหวัด", "kind": "section"},
            ]},
            {"name": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา", "kind": "other", "number": "0023.3"},
        ],
        "positions": [
            {"title": "ผู้ว่าราชการจังหวัดนครราชสีมา", "line": "ผู้ว่าราชการจังหวัด", "level": "บริหารระดับสูง",
             "executive": True, "grants": _HEAD},
            {"title": "หัวหน้าสำนักงานจังหวัดนครราชสีมา", "unit": "สำนักงานจังหวัดนครราชสีมา",
             "line": "หัวหน้าสำนักงานจังหวัด", "level": "อำนวยการระดับสูง"},
            {"title": "ท้องถิ่นจังหวัดนครราชสีมา", "unit": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา",
             "line": "ท้องถิ่นจังหวัด", "level": "อำนวยการระดับสูง"},
            {"title": "นักวิชาการส่งเสริมการปกครองท้องถิ่นชำนาญการ",
             "unit": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา",
             "line": "นักวิชาการส่งเสริมการปกครองท้องถิ่น", "level": "ชำนาญการ"},
            {"title": "นักวิชาการคอมพิวเตอร์ชำนาญการ", "unit": "กลุ่มงานอำนวยการ", "line": "นักวิชาการคอมพิวเตอร์",
             "level": "ชำนาญการ"},
        ],
    },
    "district": {
        "units": [
            {"name": "ฝ่ายบริหารงานปกครอง", "kind": "section", "number": "{n}.1"},
            {"name": "ฝ่ายทะเบียนและบัตร", "kind": "section", "number": "{n}.2"},
            {"name": "สำนักงานส่งเสริมการปกครองท้องถิ่นอำเภอ{place}", "kind": "other", "number": "{n}.3"},
        ],
        "positions": [
            {"title": "นายอำเภอ{place}", "line": "นายอำเภอ", "level": "อำนวยการระดับต้น", "executive": True,
             "grants": _HEAD},
            {"title": "ปลัดอำเภอ (หัวหน้าฝ่ายบริหารงานปกครอง)", "unit": "ฝ่ายบริหารงานปกครอง", "line": "ปลัดอำเภอ",
             "level": "ชำนาญการพิเศษ"},
            {"title": "ท้องถิ่นอำเภอ{place}", "unit": "สำนักงานส่งเสริมการปกครองท้องถิ่นอำเภอ{place}",
             "line": "ท้องถิ่นอำเภอ", "level": "ชำนาญการพิเศษ"},
        ],
    },
    "pao": {
        "units": [
            {"name": "สำนักปลัดองค์การบริหารส่วนจังหวัด", "kind": "office", "number": "{n}.1", "children": [
                {"name": "ฝ่ายบริหารงานทั่วไป", "kind": "section"},
            ]},
            {"name": "กองคลัง", "kind": "division", "number": "{n}.2"},
            {"name": "กองช่าง", "kind": "division", "number": "{n}.3"},
            {"name": "กองการศึกษา ศาสนาและวัฒนธรรม", "kind": "division", "number": "{n}.4"},
        ],
        "positions": [
            {"title": "นายก{name}", "elected": True, "executive": True, "grants": _HEAD},
            {"title": "รองนายก{name}", "elected": True, "executive": True},
            {"title": "ปลัด{name}", "unit": "สำนักปลัดองค์การบริหารส่วนจังหวัด", "line": "นักบริหารงานท้องถิ่น",
             "level": "ระดับสูง", "executive": True, "grants": _HEAD},
            {"title": "ผู้อำนวยการกองคลัง", "unit": "กองคลัง", "line": "นักบริหารงานการคลัง", "level": "ระดับกลาง"},
            {"title": "ผู้อำนวยการกองช่าง", "unit": "กองช่าง", "line": "นักบริหารงานช่าง", "level": "ระดับกลาง"},
        ],
    },
    "city": {
        "units": _municipal_units(education="กองการศึกษา", health=True),
        "positions": _municipal_positions(palad_level="ระดับสูง", director_level="ระดับกลาง", education="กองการศึกษา"),
    },
    "town": {
        "units": _municipal_units(education="กองการศึกษา", health=True),
        "positions": _municipal_positions(palad_level="ระดับกลาง", director_level="ระดับต้น", education="กองการศึกษา")
        + _TOWN_STAFF,
    },
    "subdistrict": {
        "units": [
            {"name": "สำนักปลัดเทศบาล", "kind": "office", "number": "{n}.1", "children": [
                {"name": "ฝ่ายบริหารงานทั่วไป", "kind": "section"},
            ]},
            {"name": "กองคลัง", "kind": "division", "number": "{n}.2"},
            {"name": "กองช่าง", "kind": "division", "number": "{n}.3"},
            {"name": "กองการศึกษา", "kind": "division", "number": "{n}.4"},
        ],
        "positions": [
            {"title": "นายกเทศมนตรี{place}", "elected": True, "executive": True, "grants": _HEAD},
            {"title": "ปลัดเทศบาล{place}", "unit": "สำนักปลัดเทศบาล", "line": "นักบริหารงานท้องถิ่น",
             "level": "ระดับต้น", "executive": True, "grants": _HEAD},
            {"title": "ผู้อำนวยการกองคลัง", "unit": "กองคลัง", "line": "นักบริหารงานการคลัง", "level": "ระดับต้น"},
            {"title": "ผู้อำนวยการกองช่าง", "unit": "กองช่าง", "line": "นักบริหารงานช่าง", "level": "ระดับต้น"},
        ],
    },
    "sao": {
        "units": [
            {"name": "สำนักปลัด", "kind": "office", "number": "{n}.1"},
            {"name": "กองคลัง", "kind": "division", "number": "{n}.2"},
            {"name": "กองช่าง", "kind": "division", "number": "{n}.3"},
            {"name": "กองการศึกษา ศาสนาและวัฒนธรรม", "kind": "division", "number": "{n}.4"},
        ],
        "positions": [
            {"title": "นายก{name}", "elected": True, "executive": True, "grants": _HEAD},
            {"title": "ปลัด{name}", "unit": "สำนักปลัด", "line": "นักบริหารงานท้องถิ่น", "level": "ระดับต้น",
             "executive": True, "grants": _HEAD},
            {"title": "หัวหน้าสำนักปลัด", "unit": "สำนักปลัด", "line": "นักบริหารงานทั่วไป", "level": "ระดับต้น"},
            {"title": "ผู้อำนวยการกองคลัง", "unit": "กองคลัง", "line": "นักบริหารงานการคลัง", "level": "ระดับต้น"},
            {"title": "ผู้อำนวยการกองช่าง", "unit": "กองช่าง", "line": "นักบริหารงานช่าง", "level": "ระดับต้น"},
            {"title": "นักจัดการงานทั่วไปชำนาญการ", "unit": "สำนักปลัด", "line": "นักจัดการงานทั่วไป", "level": "ชำนาญการ"},
        ],
    },
}

# --- people ---------------------------------------------------------------------------------------------
# ``login``: False = a person in the org chart who does not sign in to the demo (unusable password).
# Each membership: agency slug, unit (name), roles granted to the membership, ``role_unit`` (narrows a
# unit clerk's role to that unit), and position assignments (kind holder/acting/elected_term; ISO dates).
# Roles granted through positions (ปลัด, นายก: head) come from STRUCTURES, not from here.
_TERM = {"kind": "elected_term", "starts_on": "2025-05-11", "ends_on": "2029-05-10"}

PEOPLE: list[dict] = [
    {
        "username": "demo.clerk", "login": True, "label": "เจ้าหน้าที่สารบรรณกลาง",
        "title_th": "นางสาว", "first_name_th": "กัลยา", "last_name_th": "ศรีสุข", "first_name": "Kanlaya", "last_name": "Srisuk",
        "memberships": [{
            "agency": "pakchong-town", "unit": "ฝ่ายบริหารงานทั่วไป", "roles": ["central_clerk"],
            "positions": [{"title": "เจ้าพนักงานธุรการชำนาญงาน", "kind": "holder", "starts_on": "2019-10-01"}],
        }],
    },
    {
        "username": "demo.unitclerk", "login": True, "label": "เจ้าหน้าที่ธุรการ กองช่าง",
        "title_th": "นาง", "first_name_th": "สุภาพร", "last_name_th": "ทองดี", "first_name": "Supaporn", "last_name": "Thongdee",
        "memberships": [{
            "agency": "pakchong-town", "unit": "กองช่าง", "roles": ["unit_clerk"], "role_unit": "กองช่าง",
            "positions": [{"title": "เจ้าพนักงานธุรการปฏิบัติงาน", "kind": "holder", "starts_on": "2022-03-01"}],
        }],
    },
    {
        "username": "demo.officer", "login": True, "label": "เจ้าหน้าที่ผู้ปฏิบัติ (วิศวกรโยธา)",
        "title_th": "นาย", "first_name_th": "ธนากร", "last_name_th": "มีชัย", "first_name": "Thanakorn", "last_name": "Meechai",
        "memberships": [{
            "agency": "pakchong-town", "unit": "ฝ่ายแบบแผนและก่อสร้าง", "roles": ["officer"],
            "positions": [{"title": "วิศวกรโยธาปฏิบัติการ", "kind": "holder", "starts_on": "2021-06-01"}],
        }],
    },
    {
        "username": "demo.head", "login": True, "label": "ปลัดเทศบาล (หัวหน้าส่วนราชการ)",
        "title_th": "นาย", "first_name_th": "ประสิทธิ์", "last_name_th": "วงศ์ใหญ่", "first_name": "Prasit", "last_name": "Wongyai",
        "memberships": [{
            "agency": "pakchong-town", "unit": "สำนักปลัดเทศบาล", "roles": [],
            "positions": [{"title": "ปลัดเทศบาลเมืองปากช่อง", "kind": "holder", "starts_on": "2023-10-01",
                           "order": "คำสั่งเทศบาลเมืองปากช่อง ที่ 401/2566"}],
        }],
    },
    {
        "username": "demo.secret", "login": True, "label": "นายทะเบียนข้อมูลข่าวสารลับ",
        "title_th": "นาง", "first_name_th": "วันเพ็ญ", "last_name_th": "แก้วมณี", "first_name": "Wanphen", "last_name": "Kaewmanee",
        "memberships": [{
            "agency": "pakchong-town", "unit": "ฝ่ายบริหารงานทั่วไป", "roles": ["secret_registrar"],
            "positions": [{"title": "นักจัดการงานทั่วไปชำนาญการ", "kind": "holder", "starts_on": "2018-10-01"}],
        }],
    },
    {
        "username": "demo.admin", "login": True, "label": "ผู้ดูแลระบบของหน่วยงาน",
        "title_th": "นาย", "first_name_th": "อนุชา", "last_name_th": "พึ่งบุญ", "first_name": "Anucha", "last_name": "Phuengboon",
        "memberships": [{
            "agency": "pakchong-town", "unit": "ฝ่ายบริหารงานทั่วไป", "roles": ["agency_admin"],
            "positions": [{"title": "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", "kind": "holder", "starts_on": "2020-07-01"}],
        }],
    },
    {
        "username": "demo.acting", "login": True, "label": "รักษาราชการแทนผู้อำนวยการกองช่าง",
        "title_th": "นาย", "first_name_th": "สมชาย", "last_name_th": "ใจกล้า", "first_name": "Somchai", "last_name": "Jaikla",
        "memberships": [{
            "agency": "pakchong-town", "unit": "กองช่าง", "roles": ["officer"],
            "positions": [{"title": "ผู้อำนวยการกองช่าง", "kind": "acting", "starts_on": "2026-10-01",
                           "order": "คำสั่งเทศบาลเมืองปากช่อง ที่ 512/2569"}],
        }],
    },
    {
        "username": "demo.auditor", "login": True, "label": "ผู้ตรวจสอบ (ท้องถิ่นอำเภอ)",
        "title_th": "นาง", "first_name_th": "รัตนา", "last_name_th": "บุญมา", "first_name": "Rattana", "last_name": "Boonma",
        "memberships": [{
            "agency": "amphoe-pakchong", "unit": "สำนักงานส่งเสริมการปกครองท้องถิ่นอำเภอปากช่อง", "roles": ["auditor"],
            "positions": [{"title": "ท้องถิ่นอำเภอปากช่อง", "kind": "holder", "starts_on": "2024-10-01"}],
        }],
    },
    {
        "username": "demo.province", "login": True, "label": "ผู้ดูแลระบบระดับจังหวัด",
        "title_th": "นาย", "first_name_th": "วีระ", "last_name_th": "สุวรรณรัตน์", "first_name": "Weera", "last_name": "Suwannarat",
        "memberships": [{
            "agency": "korat-province", "unit": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา",
            "roles": ["provincial_admin"],
            "positions": [{"title": "นักวิชาการส่งเสริมการปกครองท้องถิ่นชำนาญการ", "kind": "holder", "starts_on": "2017-10-01"}],
        }],
    },
    {
        "username": "demo.sysadmin", "login": True, "label": "ผู้ดูแลระบบส่วนกลาง", "is_system_admin": True,
        "title_th": "นาย", "first_name_th": "ปกรณ์", "last_name_th": "ศรีวิไล", "first_name": "Pakorn", "last_name": "Sriwilai",
        "memberships": [{
            "agency": "korat-province", "unit": "กลุ่มงานอำนวยการ", "roles": [],
            "positions": [{"title": "นักวิชาการคอมพิวเตอร์ชำนาญการ", "kind": "holder", "starts_on": "2016-10-01"}],
        }],
    },
    {
        "username": "demo.multi", "login": True, "label": "ผู้ใช้หลายหน่วยงาน",
        "title_th": "นางสาว", "first_name_th": "พิมพ์ชนก", "last_name_th": "ดวงแก้ว", "first_name": "Pimchanok",
        "last_name": "Duangkaew",
        "memberships": [
            {"agency": "pakchong-town", "unit": "ฝ่ายบริหารงานคลัง", "roles": ["officer"],
             "positions": [{"title": "นักวิชาการเงินและบัญชีชำนาญการ", "kind": "holder", "starts_on": "2020-10-01"}]},
            {"agency": "sao-nongsarai", "unit": "สำนักปลัด", "roles": ["central_clerk"], "positions": []},
        ],
    },
    # In the org chart, not signing in: the elected executives of เทศบาลเมืองปากช่อง (term from the
    # local election of 11 May 2025, four years).
    {
        "username": "pakchong.mayor", "login": False,
        "title_th": "นาย", "first_name_th": "สมพงษ์", "last_name_th": "เรืองศรี", "first_name": "Sompong", "last_name": "Ruangsri",
        "memberships": [{"agency": "pakchong-town", "unit": None, "roles": [],
                         "positions": [{"title": "นายกเทศมนตรีเมืองปากช่อง", **_TERM}]}],
    },
    {
        "username": "pakchong.deputy", "login": False,
        "title_th": "นาง", "first_name_th": "อรุณี", "last_name_th": "ชัยมงคล", "first_name": "Arunee", "last_name": "Chaimongkol",
        "memberships": [{"agency": "pakchong-town", "unit": None, "roles": [],
                         "positions": [{"title": "รองนายกเทศมนตรีเมืองปากช่อง", **_TERM}]}],
    },
]
