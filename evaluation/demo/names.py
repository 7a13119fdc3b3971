"""Turkish provinces, districts and school names for the demo programme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np


@dataclass(frozen=True)
class Province:
    """A province: its licence-plate code (used in school ids) and some of its districts."""

    name: str
    plate: str
    districts: tuple[str, ...]


_PROVINCE_LIST = (
    Province("Malatya", "44", ("Battalgazi", "Yeşilyurt", "Darende", "Doğanşehir", "Akçadağ")),
    Province("Kayseri", "38", ("Bünyan", "Talas", "Melikgazi", "Kocasinan", "Develi", "İncesu")),
    Province("Sivas", "58", ("Zara", "Şarkışla", "Suşehri", "Gemerek", "Yıldızeli", "Divriği")),
    Province("Elazığ", "23", ("Keban", "Kovancılar", "Palu", "Karakoçan", "Baskil")),
    Province("Adıyaman", "02", ("Kâhta", "Besni", "Gölbaşı", "Çelikhan")),
    Province("Kahramanmaraş", "46", ("Elbistan", "Afşin", "Göksun", "Onikişubat", "Pazarcık")),
    Province("Erzurum", "25", ("Yakutiye", "Palandöken", "Oltu", "Horasan", "Aziziye", "Pasinler")),
    Province("Yozgat", "66", ("Sorgun", "Boğazlıyan", "Yerköy", "Akdağmadeni", "Sarıkaya")),
    Province("Niğde", "51", ("Bor", "Ulukışla", "Çiftlik", "Altunhisar")),
    Province("Nevşehir", "50", ("Ürgüp", "Avanos", "Gülşehir", "Derinkuyu")),
    Province("Tokat", "60", ("Erbaa", "Niksar", "Turhal", "Zile", "Reşadiye")),
    Province("Diyarbakır", "21", ("Bağlar", "Kayapınar", "Ergani", "Bismil", "Silvan")),
    Province("Gaziantep", "27", ("Şahinbey", "Şehitkamil", "Nizip", "İslahiye")),
    Province("Van", "65", ("İpekyolu", "Tuşba", "Erciş", "Edremit")),
    Province("Konya", "42", ("Selçuklu", "Meram", "Karatay", "Ereğli", "Akşehir", "Beyşehir")),
    Province("Trabzon", "61", ("Ortahisar", "Akçaabat", "Of", "Araklı", "Vakfıkebir")),
    Province("Samsun", "55", ("Atakum", "İlkadım", "Bafra", "Çarşamba")),
    Province("Ankara", "06", ("Çankaya", "Keçiören", "Yenimahalle", "Polatlı", "Sincan")),
)
PROVINCES: Mapping[str, Province] = MappingProxyType({p.name: p for p in _PROVINCE_LIST})

HONOREES = (
    "Cumhuriyet", "Atatürk", "Gazi", "Mehmet Akif Ersoy", "Yunus Emre", "Mimar Sinan",
    "Fatih Sultan Mehmet", "Kanuni Sultan Süleyman", "Ahmet Yesevi", "Necip Fazıl Kısakürek",
    "Cahit Arf", "Aziz Sancar", "Kâzım Karabekir", "Ali Kuşçu", "Piri Reis", "Uluğ Bey",
    "İbn-i Sina", "Yahya Kemal Beyatlı", "Şehit Ömer Halisdemir", "Turgut Özal", "Nene Hatun",
    "Barbaros Hayrettin Paşa", "Hasan Âli Yücel", "Şehit Mehmet Yılmaz", "Borsa İstanbul",
    "75. Yıl", "100. Yıl", "Cengiz Topel", "Hezarfen Ahmet Çelebi", "Akşemseddin", "Ziya Gökalp",
    "Şehit Kemal Özalper", "Nuh Mehmet Küçükçalık", "Aşık Veysel", "Hacı Bektaş Veli",
    "Sabiha Gökçen", "Behçet Kemal Çağlar", "Mustafa Necati", "Şehit Ahmet Kaya",
)  # fmt: skip

TYPE_SUFFIX: Mapping[str, str] = MappingProxyType(
    {
        "science_high_school": "Fen Lisesi",
        "anatolian_high_school": "Anadolu Lisesi",
        "social_sciences_high_school": "Sosyal Bilimler Lisesi",
    }
)


@dataclass(frozen=True)
class AnchorSchool:
    """A school of the seed activity plan, placed as the first partnership of the demo."""

    name: str
    province: str
    school_type: str
    resource_level: str


# The partnership of the seed plan (Okul Ortaklığı Programı, 2022-2023).
ANCHOR_PARTNERSHIP = (
    AnchorSchool("Malatya Erman Ilıcak Fen Lisesi", "Malatya", "science_high_school", "high"),
    AnchorSchool("Kayseri Bünyan Fen Lisesi", "Kayseri", "science_high_school", "low"),
)


class SchoolNamer:
    """Draws realistic school names that are unique within one demo programme.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the random choices.
    reserved : iterable of str
        Names already taken (e.g. the anchor schools).
    suffixes : mapping of str to str
        The name's ending per school type (default ``TYPE_SUFFIX``, the high schools).
    """

    def __init__(
        self, rng: np.random.Generator, reserved: tuple[str, ...] = (), suffixes: Mapping[str, str] = TYPE_SUFFIX
    ) -> None:
        self._rng = rng
        self._used = set(reserved)
        self._suffixes = suffixes

    def name(self, province: str, school_type: str) -> str:
        """A new name: "<province> [<district>] [<honoree>] <type>", e.g. "Sivas Zara Anadolu Lisesi"."""
        districts = PROVINCES[province].districts
        suffix = self._suffixes[school_type]
        for _ in range(20):
            district = districts[self._rng.integers(len(districts))]
            honoree = HONOREES[self._rng.integers(len(HONOREES))]
            style = self._rng.choice(3, p=[0.35, 0.45, 0.2])
            middle = (district, honoree, f"{district} {honoree}")[style]
            candidate = f"{province} {middle} {suffix}"
            if candidate not in self._used:
                break
        number = 2
        base = candidate
        while candidate in self._used:  # only at very large scales
            candidate = f"{base} {number}"
            number += 1
        self._used.add(candidate)
        return candidate
