"""Words of the validation page and of the schools' fix lists, in English and Turkish.

Everything a school data officer or an official reads on those pages comes from here: headings,
table headers, and for each kind of contract rule a statement of the rule (``RULES``, shown on
the validation page) and an instruction saying what to change (``FIXES``, shown in the fix lists).
Templates take ``{column}``, ``{value}``, ``{file}``, ``{rows}``, ``{minimum}``, ``{maximum}``,
``{values}``, ``{pattern}`` as `evaluation.validation.fix_instructions` fills them. Codes from the data and the
contracts (column names, rule names, file names, school ids) stay as they are, so that they can be
looked up in the files.
"""

from __future__ import annotations

import datetime as dt

from evaluation.io.turkish import HEADER_SPELLINGS

LANGUAGES = ("en", "tr")

#: Fix-list CSV: its columns, and the separator Excel expects in that language's locale
#: (Turkish-locale Excel splits CSV on ``;``, because ``,`` is its decimal mark).
CSV_COLUMNS = {
    "en": {"file": "file", "row": "row", "column": "column", "value": "found", "fix": "what to change",
           "rule": "rule", "status": "status"},
    "tr": {"file": "dosya", "row": "satır", "column": "sütun", "value": "bulunan değer",
           "fix": "yapılması gereken", "rule": "kural", "status": "durum"},
}
CSV_SEPARATOR = {"en": ",", "tr": ";"}

TEXT = {
    "en": {
        "fix_title": "What to fix: {name}",
        "fix_intro": ("This list was made on {date} from the files your school sent. Each line names a file, a "
                      "row (as numbered in Excel: the header is row 1) and a column, what was found there and "
                      "what to change. Rejected rows are left out of the evaluation until they are corrected."),
        "unassigned_name": "Rows without a known school",
        "unassigned_intro": ("This list was made on {date}. These rows could not be given to a school: their "
                             "school code is empty or not in the schools file (or, for activities, their "
                             "partnership has no school)."),
        "counts": "{rows} rejected row(s), {problems} problem(s) to fix, {warnings} point(s) to check.",
        "broken_heading": "Files that could not be checked",
        "broken_intro": "None of these files' rows could be checked: fix these first.",
        "rows_heading": "Rejected rows",
        "no_rows": "No rows were rejected.",
        "warnings_heading": "To check (not rejected)",
        "warnings_intro": ("These rows were accepted, but something about them looks unusual: please check them "
                           "and correct them if they are wrong."),
        "status_fix": "rejected", "status_check": "to check",
        "check": "check", "note": "note",
        "page_title": "Data validation: {name}",
        "page_intro": ("Made on {date}. Every file of the data folder was checked against its data contract. "
                       "Accepted rows go on to the analysis; rejected (quarantined) rows are listed in each "
                       "school's fix list. This page shows counts only."),
        "tables_heading": "Files",
        "rules_heading": "Rules broken",
        "rules_intro": "How many rows broke each rule; every other rule of the contracts passed.",
        "no_rules": "No rule was broken.",
        "checks_heading": "Points to check (not rejected)",
        "linkage_heading": "The same people before and after",
        "linkage_intro": ("How many of the people measured after the programme were measured before it too; "
                          "only they can show a change."),
        "id_column": "matched on", "n_pre": "before", "n_post": "after", "n_linked": "in both",
        "linkage_rate": "share of after",
        "schools_heading": "Schools",
        "schools_intro": "Each school's fix list names its rows and what to change.",
        "no_schools": "No school has anything to fix.",
        "table": "table", "file": "file", "rows": "rows", "accepted": "accepted", "quarantined": "rejected",
        "broken": "not checked because", "rule": "rule", "description": "what the rule asks",
        "rows_broken": "rows", "school_id": "school code", "school_name": "school",
        "quarantined_rows": "rejected rows", "warnings": "points to check", "fix_list": "fix list",
        "open": "open", "all_passed": "All rows passed their data contracts.",
        "not_passed": "Some rows or files did not pass their data contracts.",
        "broken_required_column": "missing required column {columns}", "broken_unknown_table": "unknown table",
        "broken_unknown_instrument": "no instrument definition",
        "unassigned_id": "(none)",
    },
    "tr": {
        "fix_title": "Düzeltilecekler: {name}",
        "fix_intro": ("Bu liste {date} tarihinde okulunuzun gönderdiği dosyalardan hazırlandı. Her satır bir "
                      "dosyayı, Excel'deki satır numarasını (başlık 1. satırdır) ve sütunu, orada bulunan değeri "
                      "ve yapılması gerekeni gösterir. Reddedilen satırlar düzeltilene kadar değerlendirmeye "
                      "alınmaz."),
        "unassigned_name": "Okulu belirlenemeyen satırlar",
        "unassigned_intro": ("Bu liste {date} tarihinde hazırlandı. Bu satırlar bir okula verilemedi: okul "
                             "kodları boş ya da okullar dosyasında yok (faaliyetlerde ise ortaklığın hiç okulu "
                             "yok)."),
        "counts": "{rows} reddedilen satır, düzeltilecek {problems} sorun, kontrol edilecek {warnings} nokta.",
        "broken_heading": "Kontrol edilemeyen dosyalar",
        "broken_intro": "Bu dosyaların hiçbir satırı kontrol edilemedi: önce bunları düzeltin.",
        "rows_heading": "Reddedilen satırlar",
        "no_rows": "Reddedilen satır yok.",
        "warnings_heading": "Kontrol edilmesi önerilenler",
        "warnings_intro": ("Bu satırlar kabul edildi, ancak olağan dışı görünüyor: lütfen kontrol edin ve yanlışsa "
                           "düzeltin."),
        "status_fix": "reddedildi", "status_check": "kontrol edin",
        "check": "kontrol", "note": "açıklama",
        "page_title": "Veri doğrulama: {name}",
        "page_intro": ("{date} tarihinde hazırlandı. Veri klasöründeki her dosya kendi veri sözleşmesine göre "
                       "kontrol edildi. Kabul edilen satırlar analize girer; reddedilen (karantinaya alınan) "
                       "satırlar her okulun düzeltme listesinde yer alır. Bu sayfada yalnızca sayılar vardır."),
        "tables_heading": "Dosyalar",
        "rules_heading": "Uyulmayan kurallar",
        "rules_intro": "Her kurala kaç satırın uymadığı; sözleşmelerin diğer bütün kurallarına uyuldu.",
        "no_rules": "Uyulmayan kural yok.",
        "checks_heading": "Kontrol edilmesi önerilenler (reddedilmedi)",
        "linkage_heading": "Önce ve sonra aynı kişiler",
        "linkage_intro": ("Programdan sonra ölçülenlerin kaçının programdan önce de ölçüldüğü; değişimi yalnızca "
                          "onlar gösterebilir."),
        "id_column": "eşleştirme sütunu", "n_pre": "önce", "n_post": "sonra", "n_linked": "ikisinde de",
        "linkage_rate": "sonrakilerin payı",
        "schools_heading": "Okullar",
        "schools_intro": "Her okulun düzeltme listesi, satırlarını ve yapılması gerekenleri gösterir.",
        "no_schools": "Hiçbir okulun düzeltmesi gereken bir şey yok.",
        "table": "tablo", "file": "dosya", "rows": "satır", "accepted": "kabul edilen", "quarantined": "reddedilen",
        "broken": "kontrol edilemedi, çünkü", "rule": "kural", "description": "kuralın istediği",
        "rows_broken": "satır", "school_id": "okul kodu", "school_name": "okul",
        "quarantined_rows": "reddedilen satır", "warnings": "kontrol edilecek nokta", "fix_list": "düzeltme listesi",
        "open": "aç", "all_passed": "Bütün satırlar veri sözleşmelerine uyuyor.",
        "not_passed": "Bazı satırlar ya da dosyalar veri sözleşmelerine uymuyor.",
        "broken_required_column": "zorunlu sütun eksik: {columns}", "broken_unknown_table": "bilinmeyen tablo",
        "broken_unknown_instrument": "ölçme aracı tanımı yok",
        "unassigned_id": "(yok)",
    },
}

#: What each kind of rule asks, for the validation page. ``{column}`` is the column's label.
RULES = {
    "en": {
        "required": "{column} must not be empty",
        "unique": "each row must have its own {column}",
        "range_between": "{column} must be between {minimum} and {maximum}",
        "range_min": "{column} must be at least {minimum}",
        "range_max": "{column} must be at most {maximum}",
        "pattern": "{column} must match the pattern {pattern}",
        "allowed_values": "{column} must be one of: {values}",
        "key_unique": "each combination of ({column}) may appear only once",
        "reference": "{column} must be in {file}",
        "reference_pair": "the combination ({column}) must be a row of {file}",
        "roster": "the student must be on the roster ({file}) at this school",
        "required_column": "the file must have every required column",
        "unknown_table": "the file must be one of the known tables",
        "unknown_instrument": "a survey needs the definition of its instrument",
        "custom": "{message}",
    },
    "tr": {
        "required": "{column} boş bırakılamaz",
        "unique": "her satırın {column} değeri farklı olmalı",
        "range_between": "{column} {minimum} ile {maximum} arasında olmalı",
        "range_min": "{column} en az {minimum} olmalı",
        "range_max": "{column} en fazla {maximum} olmalı",
        "pattern": "{column} {pattern} kalıbına uymalı",
        "allowed_values": "{column} şunlardan biri olmalı: {values}",
        "key_unique": "({column}) birleşimi yalnızca bir kez yer alabilir",
        "reference": "{column} değeri {file} dosyasında bulunmalı",
        "reference_pair": "({column}) birleşimi {file} dosyasında bir satır olmalı",
        "roster": "öğrenci bu okulun öğrenci listesinde ({file}) olmalı",
        "required_column": "dosyada bütün zorunlu sütunlar bulunmalı",
        "unknown_table": "dosya bilinen tablolardan biri olmalı",
        "unknown_instrument": "bir anket için ölçme aracının tanımı gerekir",
        "custom": "{message}",
    },
}

#: What to change, per kind of rule, for the fix lists.
FIXES = {
    "en": {
        "required": "Fill in the {column} column: it must not be empty.",
        "unique": "The same {column} is also on another row ({rows}): give each row its own {column}, or delete "
                  "the repeated row.",
        "range_between": "Write a value between {minimum} and {maximum} in the {column} column.",
        "range_min": "Write a value of at least {minimum} in the {column} column.",
        "range_max": "Write a value of at most {maximum} in the {column} column.",
        "pattern": "Correct {column} so that it matches the pattern {pattern}.",
        "allowed_values": "Write one of these in the {column} column: {values}.",
        "key_unique": "The same ({column}) is also on another row ({rows}): keep only one of these rows, or "
                      "correct the values.",
        "school": "School code {value} is not in {file}: correct the school code, or add the school to {file}.",
        "student": "This student is not on the school's roster ({file}): check the student number, or add the "
                   "student to {file}.",
        "roster": "This student is not on the roster ({file}) at this school: check the student number and the "
                  "school code against {file}.",
        "partnership": "Partnership {value} is not in {file}: correct the partnership code, or write it for the "
                       "partner schools in {file}.",
        "reference": "{value} is not in {file}: correct it, or add it to {file}.",
        "knock_on": "{value} is in {file}, but its row there was rejected: fix that row of {file} first, and this "
                    "row will pass too.",
        "required_column": "The file has no {column} column, so none of its rows could be checked: add the column "
                           "and send the file again.",
        "unknown_table": "This file is not one of the known tables ({values}): rename it, or leave it out of the "
                         "data folder.",
        "unknown_instrument": "There is no definition of this survey's instrument: add it to the data folder's "
                              "instruments/ folder, or rename the file after a known instrument.",
        "custom": "Correct the row: {message}.",
    },
    "tr": {
        "required": "{column} sütununu doldurun: boş bırakılamaz.",
        "unique": "Aynı {column} değeri başka bir satırda da var ({rows}): her satıra kendi {column} değerini "
                  "verin ya da tekrarlanan satırı silin.",
        "range_between": "{column} sütununa {minimum} ile {maximum} arasında bir değer yazın.",
        "range_min": "{column} sütununa en az {minimum} olan bir değer yazın.",
        "range_max": "{column} sütununa en fazla {maximum} olan bir değer yazın.",
        "pattern": "{column} değerini {pattern} kalıbına uyacak biçimde düzeltin.",
        "allowed_values": "{column} sütununa şunlardan birini yazın: {values}.",
        "key_unique": "Aynı ({column}) birleşimi başka bir satırda da var ({rows}): bu satırlardan yalnızca "
                      "birini bırakın ya da değerleri düzeltin.",
        "school": "{value} okul kodu {file} dosyasında yok: okul kodunu düzeltin ya da okulu {file} dosyasına "
                  "ekleyin.",
        "student": "Bu öğrenci okulun öğrenci listesinde ({file}) yok: öğrenci numarasını kontrol edin ya da "
                   "öğrenciyi {file} dosyasına ekleyin.",
        "roster": "Bu öğrenci bu okulun öğrenci listesinde ({file}) yok: öğrenci numarasını ve okul kodunu "
                  "{file} dosyasıyla karşılaştırıp düzeltin.",
        "partnership": "{value} ortaklık kodu {file} dosyasında yok: ortaklık kodunu düzeltin ya da {file} "
                       "dosyasında ortak okullara bu kodu yazın.",
        "reference": "{value} değeri {file} dosyasında yok: değeri düzeltin ya da {file} dosyasına ekleyin.",
        "knock_on": "{value} {file} dosyasında var, ancak oradaki satır reddedildi: önce {file} dosyasındaki o "
                    "satırı düzeltin; bu satır da o zaman kabul edilir.",
        "required_column": "Dosyada {column} sütunu yok, bu yüzden hiçbir satırı kontrol edilemedi: sütunu ekleyip "
                           "dosyayı yeniden gönderin.",
        "unknown_table": "Bu dosya bilinen tablolardan biri değil ({values}): dosyayı yeniden adlandırın ya da "
                         "veri klasöründen çıkarın.",
        "unknown_instrument": "Bu anketin ölçme aracı tanımı yok: tanımı veri klasöründeki instruments/ "
                              "klasörüne ekleyin ya da dosyayı bilinen bir ölçme aracının adıyla yeniden "
                              "adlandırın.",
        "custom": "Satırı düzeltin: {message}.",
    },
}

#: ``<column>_type`` rules, per logicalType: (what the rule asks, what to change).
TYPES = {
    "en": {
        "integer": ("{column} must be a whole number", "Write a whole number in the {column} column (e.g. 9)."),
        "number": ("{column} must be a number", "Write a number in the {column} column (e.g. 72.5)."),
        "boolean": ("{column} must be yes or no",
                    "Write yes or no in the {column} column (also true/false, 1/0, evet/hayır)."),
        "date": ("{column} must be a date",
                 "Write a real date in the {column} column, as DD.MM.YYYY (e.g. 14.05.2023) or YYYY-MM-DD."),
        "timestamp": ("{column} must be a date and time",
                      "Write a date and time in the {column} column, as DD.MM.YYYY HH:MM (e.g. 22.05.2023 11:20)."),
    },
    "tr": {
        "integer": ("{column} tam sayı olmalı", "{column} sütununa bir tam sayı yazın (ör. 9)."),
        "number": ("{column} sayı olmalı", "{column} sütununa bir sayı yazın (ör. 72,5)."),
        "boolean": ("{column} evet ya da hayır olmalı",
                    "{column} sütununa evet ya da hayır yazın (true/false, 1/0 da olur)."),
        "date": ("{column} tarih olmalı",
                 "{column} sütununa geçerli bir tarihi GG.AA.YYYY biçiminde yazın (ör. 14.05.2023)."),
        "timestamp": ("{column} tarih ve saat olmalı",
                      "{column} sütununa tarih ve saati GG.AA.YYYY SS:DD biçiminde yazın (ör. 22.05.2023 11:20)."),
    },
}

#: Pattern rules whose pattern people should not have to read: (what the rule asks, what to change).
PATTERNS = {
    "en": {
        "^[A-Z]{2}$": ("{column} must be a two-letter country code",
                       "Write the two-letter country code in capitals in the {column} column (e.g. TR)."),
        "^[0-9]{4}-(?:0[1-9]|1[0-2])$": ("{column} must be a month written YYYY-MM",
                                         "Write the month in the {column} column as YYYY-MM (e.g. 2023-02)."),
    },
    "tr": {
        "^[A-Z]{2}$": ("{column} iki harfli ülke kodu olmalı",
                       "{column} sütununa iki harfli ülke kodunu büyük harflerle yazın (ör. TR)."),
        "^[0-9]{4}-(?:0[1-9]|1[0-2])$": ("{column} YYYY-AA biçiminde bir ay olmalı",
                                         "{column} sütununa ayı YYYY-AA biçiminde yazın (ör. 2023-02)."),
    },
}

#: Custom (cross-field) rules of the bundled contracts: (what the rule asks, what to change).
CUSTOM = {
    "en": {
        "answer_counts_add_up": ("correct + wrong + blank must equal n_items",
                                 "Check the counts: correct + wrong + blank must equal n_items (the number of "
                                 "questions)."),
        "partner_needs_partnership": ("a partner school must have a partnership_id",
                                      "Write this partner school's partnership code in partnership_id, or write "
                                      "control in group if it is a comparison school."),
        "control_has_no_partnership": ("a control school must have an empty partnership_id",
                                       "Leave partnership_id empty for a control school, or write partner in "
                                       "group if the school takes part in the partnership."),
        "partnership_has_two_schools": ("a partnership must have at least two schools",
                                        "No other school has this partnership code: correct the code, or add the "
                                        "partner school to the schools file."),
    },
    "tr": {
        "answer_counts_add_up": ("doğru + yanlış + boş, soru sayısına (n_items) eşit olmalı",
                                 "Sayıları kontrol edin: doğru + yanlış + boş (correct + wrong + blank), soru "
                                 "sayısına (n_items) eşit olmalı."),
        "partner_needs_partnership": ("ortak okulun bir ortaklık kodu (partnership_id) olmalı",
                                      "Bu ortak okulun ortaklık kodunu partnership_id sütununa yazın ya da okul "
                                      "karşılaştırma okuluysa group sütununa control yazın."),
        "control_has_no_partnership": ("karşılaştırma okulunun ortaklık kodu (partnership_id) boş olmalı",
                                       "Karşılaştırma (control) okulu için partnership_id sütununu boş bırakın ya "
                                       "da okul ortaklığa katılıyorsa group sütununa partner yazın."),
        "partnership_has_two_schools": ("bir ortaklıkta en az iki okul olmalı",
                                        "Bu ortaklık kodu başka hiçbir okulda yok: kodu düzeltin ya da ortak okulu "
                                        "okullar dosyasına ekleyin."),
    },
}


def text(key: str, language: str, **values: object) -> str:
    """A heading, sentence or header of the validation page or fix lists."""
    return TEXT[language][key].format(**values)


def column_label(column: str, language: str) -> str:
    """A column as named in the instructions; in Turkish with its Turkish header beside it
    (``score`` -> ``score (puan)``), so that it can be found in a file with Turkish headers."""
    if language == "tr" and column in HEADER_SPELLINGS:
        return f"{column} ({HEADER_SPELLINGS[column][0]})"
    return column


def number(value: float, language: str) -> str:
    """A bound of a rule: ``12``, ``0.5`` (``0,5`` in Turkish)."""
    written = str(int(value)) if float(value).is_integer() else str(value)
    return written.replace(".", ",") if language == "tr" else written


def date(day: dt.date, language: str) -> str:
    """``2026-11-24`` in English, ``24.11.2026`` in Turkish."""
    return day.strftime("%d.%m.%Y") if language == "tr" else day.isoformat()


def rows_text(rows: list[int], language: str) -> str:
    """``row 34`` / ``rows 22, 34`` (``satır 34`` / ``satır 22, 34``)."""
    listed = ", ".join(str(row) for row in rows)
    if language == "tr":
        return f"satır {listed}"
    return f"row{'s' if len(rows) > 1 else ''} {listed}"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} (found {language!r})")
    return language
