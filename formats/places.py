"""Places named in a message that say where, not who: states, cities, counties, countries.

"I was told he is at the Houston center" names a city, and a city names nobody; a street
address does (that is :mod:`formats.deidentify`'s business). :mod:`formats.names` asks this
module which capitalised words are places, so that "Houston", "San Antonio", "Harris County" or
"Nueva York" are not hidden as names. The list holds the states, the large cities, the cities of
the services directory (``data/directory/services.yml``), and the places of the caseload's
countries of origin; countries and demonyms come from :mod:`formats.countries`. A place missing
from it is hidden as a name (the safe error).
"""

from __future__ import annotations

from collections.abc import Sequence

from formats.countries import is_country_name


def _phrases(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.strip().splitlines() if line.strip())


# Folded (lower case, no accents), words separated by single spaces; one place per line.
KNOWN_PLACES = _phrases(
    """
    alabama
    alaska
    arizona
    arkansas
    california
    colorado
    connecticut
    delaware
    florida
    georgia
    hawaii
    idaho
    illinois
    indiana
    iowa
    kansas
    kentucky
    louisiana
    luisiana
    maine
    maryland
    massachusetts
    michigan
    minnesota
    mississippi
    missouri
    montana
    nebraska
    nevada
    new hampshire
    nuevo hampshire
    new jersey
    nueva jersey
    new mexico
    nuevo mexico
    new york
    nueva york
    north carolina
    carolina del norte
    north dakota
    dakota del norte
    ohio
    oklahoma
    oregon
    pennsylvania
    pensilvania
    rhode island
    south carolina
    carolina del sur
    south dakota
    dakota del sur
    tennessee
    texas
    tejas
    utah
    vermont
    virginia
    west virginia
    virginia occidental
    washington
    wisconsin
    wyoming
    puerto rico
    guam
    district of columbia
    dc
    america
    norteamerica
    carolina
    dakota
    atlanta
    albuquerque
    abq
    allentown
    anaheim
    arlington
    aurora
    austin
    bakersfield
    baltimore
    baton rouge
    bethlehem
    birmingham
    boise
    boston
    boyle heights
    bronx
    el bronx
    brooklyn
    brownsville
    buffalo
    charlotte
    chelsea
    chicago
    chula vista
    cincinnati
    cleveland
    columbus
    corona
    corpus christi
    dallas
    dalton
    denver
    detroit
    durham
    el paso
    chuco
    elizabeth
    falls church
    fort worth
    fresno
    garland
    glendale
    greeley
    harlingen
    henderson
    hialeah
    houston
    indianapolis
    jacksonville
    jackson heights
    kansas city
    katy
    kenner
    kissimmee
    lakewood
    laredo
    las cruces
    las vegas
    vegas
    lawrence
    lehigh valley
    little havana
    little village
    la villita
    long beach
    los angeles
    lubbock
    manhattan
    marietta
    mcallen
    memphis
    mesa
    mesilla
    methuen
    miami
    milwaukee
    minneapolis
    nashville
    newark
    new orleans
    nueva orleans
    nola
    nyc
    oakland
    omaha
    orlando
    oxnard
    philadelphia
    filadelfia
    philly
    phoenix
    pilsen
    pittsburgh
    portland
    queens
    raleigh
    reno
    richmond
    riverside
    sacramento
    salinas
    salt lake city
    san antonio
    san bernardino
    san diego
    san francisco
    san jose
    san juan
    san luis
    san ysidro
    santa ana
    seattle
    sparks
    spokane
    staten island
    stockton
    sunnyside
    tacoma
    tampa
    tucson
    tulsa
    wapato
    yakima
    yuma
    ybor city
    queretaro
    jalisco
    guadalajara
    michoacan
    oaxaca
    chiapas
    puebla
    sonora
    chihuahua
    ciudad juarez
    tijuana
    monterrey
    nuevo leon
    zacatecas
    durango
    sinaloa
    veracruz
    tamaulipas
    coahuila
    guanajuato
    ciudad de mexico
    cdmx
    distrito federal
    acapulco
    cancun
    tegucigalpa
    san pedro sula
    managua
    san salvador
    guatemala city
    ciudad de guatemala
    quetzaltenango
    santo domingo
    la habana
    havana
    bogota
    caracas
    juarez
    """
)
# The states' postal codes, "Lubbock Tx".
STATE_CODES = _phrases(
    """
    al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj
    nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr gu vi
    """.replace(" ", "\n")
)
# "Harris County", "Condado de Harris", "Kansas City", "Lehigh Valley".
_PLACE_ENDINGS = {"county", "parish", "city", "valley", "heights", "springs", "beach", "island"}
_PLACE_OPENINGS = {"condado", "county", "ciudad", "estado"}
# "San Marcos", "Fort Worth", "St. Paul", "New Braunfels": a place whatever the next word is.
_PLACE_PREFIXES = {
    "san", "santa", "santo", "fort", "ft", "port", "saint", "st", "mount", "mt", "lake", "new",
    "nueva", "nuevo", "north", "south", "east", "west",
}  # fmt: skip
_LONGEST = 3


def place_length(words: Sequence[str], start: int) -> int:
    """How many of ``words`` (folded, one word each), from ``start``, name a place: 0 if none.

    "san antonio texas" -> 2 (the longest known place first), "harris county" -> 2, "prince
    georges county" -> 3, "condado de harris" -> 3, "condado de los angeles" -> 4, "fort worth"
    -> 2, "mexico" -> 1 (a country), "tx" -> 1.
    """
    for length in range(min(_LONGEST, len(words) - start), 0, -1):
        phrase = " ".join(words[start : start + length])
        if phrase in KNOWN_PLACES or is_country_name(phrase) or phrase in STATE_CODES:
            return length
    following = words[start + 1 : start + 3]
    for length, word in enumerate(following, start=2):
        if word in _PLACE_ENDINGS:
            return length
    if words[start] in _PLACE_OPENINGS and following[:1] == ["de"] and len(following) == 2:
        return 2 + max(1, place_length(words, start + 2))
    if words[start] in _PLACE_PREFIXES and following:
        return 2
    return 0
