"""The words of danger, shared by the categories in :mod:`formats.danger`.

Each name is a regular-expression alternation over folded text (:func:`formats.text.fold_phrase`:
lower case, no accents, single spaces): who (the offender), where (the places a person is met),
what (weapons), the contexts that change a sentence's meaning (over, safe, tied to the case,
a custody question, a tip about someone's status), and last the words of one category each,
under the category's name. Plain word lists, so that a change to the vocabulary is a change to
data, reviewed as such.
"""

from __future__ import annotations


def any_of(*words: str) -> str:
    """A non-capturing alternation of the words (which may be patterns themselves)."""
    return "(?:" + "|".join(words) + ")"


def gap(most: int) -> str:
    """A space and up to ``most`` whole words, each followed by a space: ``"a" + gap(2) + "b"``
    matches "a b", "a x b" and "a x y b" (folded text is words separated by single spaces)."""
    return f" (?:[a-z0-9]+ ){{0,{most}}}"


# --- vocabulary ------------------------------------------------------------------------------

# Who: the offender or an unknown person, in the forms people text.
SOMEONE = any_of(
    "he", "hes", "he is", "she", "shes", "she is", "they", "theyre", "they are", "someone",
    "somebody", "someone is", "somebody is", "a man", "a guy", "the man", "the guy", "my ex",
    "ex", "him", "her", "man", "guy", "el", "ella", "ellos", "alguien", "mi ex", "un hombre",
    "el hombre", "un tipo", "el tipo", "el senor", "la senora",
)  # fmt: skip
ME = any_of("me", "us", "my", "her", "him", "them", "mi", "mis", "nos", "la", "lo", "le", "les")
NOW = any_of(
    "now", "right now", "rn", "as we speak", "tonight", "ahorita", "ahora", "ahora mismo",
    "ahorita mismo", "orita", "ya", "esta noche", "en este momento", "asap",
)  # fmt: skip
# "he's at the door", "esta en la puerta": where the offender must not be.
# Everyday places where a person is met (not custody places: jail, detention, a country).
PLACES = any_of(
    "door", "dor", "front door", "house", "home", "window", "apartment", "job", "work", "building",
    "yard", "backyard", "driveway", "room", "kitchen", "hallway", "porch", "garage", "car",
    "truck", "school", "school gate", "parking lot", "parking garage", "parking", "store",
    "gas station", "laundromat", "bus stop", "street", "gate", "office", "walmart", "lobby",
    "stairs", "elevator", "daycare", "park", "playground", "corner", "block", "place",
    "puerta", "casa", "ventana", "trabajo", "cocina", "cuarto", "patio", "pasillo", "porche",
    "cochera", "carro", "troca", "escuela", "reja", "estacionamiento", "tienda", "gasolinera",
    "lavanderia", "parada", "calle", "edificio", "depa", "apartamento", "entrada", "oficina",
    "escaleras", "elevador", "guarderia", "parque", "esquina", "cuadra",
)  # fmt: skip
# "Outside" and "afuera" as people type them in a hurry; "outside of jail", "afuera de la carcel"
# say where the offender is held (a custody question), not where the person is.
OUTSIDE = r"(?:outside|outsid|outsde|ouside|outide)(?! of (?:jail|prison|detention|custody|ice))"
AFUERA = r"(?:afuera|afura|ajuera)(?! de (?:la |el )?(?:carcel|prision|detencion|custodia|migra))"
HERE_PLACES = any_of(
    r"(?:at|" + OUTSIDE + r"|in front of|by|in|near|close to) (?:my|our|the|her) (?:[a-z]+ )?"
    + PLACES,
    OUTSIDE, r"downstairs", r"upstairs", r"next door",
    r"in (?:my|our|the) (?:house|home|yard|room|kitchen|apartment|building|driveway|backyard)",
    r"inside", r"in the next room", r"right (?:behind|next to|beside) me", r"next to me",
    r"across the street", r"at (?:my|the) (?:kids|childrens|sons|daughters) school",
    AFUERA, r"adentro", r"dentro", r"enfrente", r"en frente", r"a lado", r"al lado",
    r"(?:en|junto a|cerca de) (?:la|el|mi|nuestra|su) " + PLACES,
    r"(?:afuera|afura|fuera|adentro|dentro|enfrente|en frente) de (?:mi|la|nuestra|su) "
    r"(?:casa|puerta|ventana|trabajo|depa|apartamento|edificio)",
    r"en la escuela de mis hijos",
)  # fmt: skip
# One of the person's own places, named: "at my door", "afuera de mi casa", "across the street".
AT_A_PLACE = any_of(
    r"(?:at|" + OUTSIDE + r"|in front of|by|in|into|afuera de|fuera de|enfrente de|en frente de|"
    r"en|junto a) (?:my|our|her|mi|mis|nuestra|nuestro|la) (?:[a-z]+ )?" + PLACES,
    r"across the street", r"en la escuela de mis hijos",
)  # fmt: skip
WEAPONS = any_of(
    "gun", "guns", "knife", "knives", "pistol", "rifle", "shotgun", "weapon", "machete", "bat",
    "screwdriver", "axe", "hammer", "pistola", "arma", "cuchillo", "navaja", "rifle", "bate",
    "desarmador", "hacha", "martillo", "cuchillos", "armado", "armada", "lighter", "encendedor",
)  # fmt: skip
FAMILY = any_of(
    "my (?:son|daughter|kid|kids|child|children|baby|boy|girl|little girl|little boy|mom|mother|"
    "dad|father|sister|brother|wife|husband|cousin|neighbor|friend|coworker|teen)",
    "mi (?:hijo|hija|hijos|hijas|nino|nina|ninos|bebe|mama|papa|hermana|hermano|esposa|esposo|"
    "primo|prima|vecina|vecino|amiga|amigo)",
)  # fmt: skip

# Said of an event that is over ("last year", "hace 3 anos", "he lived"): a crime to report,
# not a danger to answer with 911, unless the text also says it is happening now.
PAST = any_of(
    r"last (?:week|month|year|summer|spring|fall|winter|night|time|august|march)",
    r"(?:in|back in|en) (?:19|20)[0-9]{2}",
    r"(?:in|back in|en) (?:nineteen|twenty|two thousand|dos mil)\b",
    r"[0-9]+ (?:years?|yrs|months?|weeks?) ago",
    r"(?:years?|yrs|months?|weeks?) ago", r"for (?:weeks|months|years)",
    r"while we were away", r"cuando no estabamos", r"survived", r"he lived", r"sobrevivio",
    r"hace [0-9]+ (?:anos|meses|semanas)", r"hace (?:dos|tres|unos) (?:anos|meses|semanas)",
    r"(?:el|la) (?:verano|ano|mes|otono|invierno|semana|primavera) pasad[oa]",
    r"(?:por|durante) (?:semanas|meses|anos|dos dias)", r"(?:dos|tres) anos", r"in (?:march|"
    r"august)",
    r"en (?:marzo|agosto|diciembre)", r"hace (?:meses|anos|semanas|tiempo)", r"yesterday", r"ayer",
    r"last night", r"anoche", r"the past (?:week|month|few days|few weeks)", r"lately",
    r"ultimamente", r"every (?:day|night|week)", r"todos los dias", r"for (?:days|a while)",
    r"he left before", r"se fue antes", r"(?:years|months|weeks) back", r"a few years",
    r"the last (?:few )?(?:days|weeks|nights)", r"its been weeks", r"this week", r"esta semana",
    r"en las noches", r"every time", r"cada vez",
    r"last (?:christmas|thanksgiving|halloween|easter|weekend|new years|holidays)",
    r"(?:fue )?en (?:el )?(?:verano|invierno|otono|primavera)", r"(?:la )?navidad pasada",
    r"all (?:week|month|year)", r"toda la semana", r"todo el mes", r"since", r"desde que",
    r"(?:se llevaron|they took|took) (?:hasta|todo|everything)",
    r"desde (?:la|el) (?:balacera|ataque|asalto|robo|accidente|choque|funeral|juicio)",
    r"(?:in|en) (?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre)",
    # a day gone by: "lo vimos rondando la escuela el martes", "he was outside on monday"
    r"(?:el|on|last) (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)",
    r"(?:two|three|four|a few|a couple|couple of|[0-9]+) (?:weeks|months|days|nights) of",
    # over and over, not now: "i keep running into him at the gas station"
    r"keep (?:running into|bumping into|seeing)", r"(?:me lo|me la) (?:sigo encontrando|encuentro)",
    # a robbery told ("lo asaltaron con pistola"): the preterite of the crime, with no "now"
    r"(?:me|nos|lo|la|los|las|le|les) (?:asaltaron|robaron|atracaron)",
    # now and then, not now: "they follow us in the car sometimes"
    r"sometimes", r"a veces", r"from time to time", r"de vez en cuando", r"every now and then",
    # the offender arrested since: "lo arrestaron cuando mi vecina llamo", "that night"
    r"(?:lo|la) (?:arrestaron|detuvieron|agarraron)",
    r"(?:he|she) was (?:arrested|charged|convicted)",
    r"(?:police|cops) (?:took him|arrested him)", r"got arrested",
    r"that (?:night|day|morning|time)", r"esa (?:noche|vez|manana)", r"ese dia",
)  # fmt: skip
# "What if he comes", "tengo miedo de que venga", "que hago si esta afuera": a danger feared or
# supposed, not happening (a threat, answered with a person), unless the text also says now.
HYPOTHETICAL = any_of(
    r"what if", r"(?:what|que) (?:do|should|can|would) i do if", r"what happens if",
    r"if (?:he|she|they|hes|shes|my ex|the man|the guy)", r"(?:que|q) (?:hago|hacemos) si",
    r"(?:y )?si (?:el|ella|mi ex)? ?(?:esta|viene|llega|aparece|me sigue|se lleva)",
    r"tengo miedo (?:de )?que", r"me da miedo que",
    r"(?:dont|do not) want to (?:run into|bump into|see)",
    r"no quiero (?:toparme|encontrarmelo|encontrarme|verlo)",
    r"(?:afraid|scared|worried) (?:that )?(?:he|she|they) (?:will|might|could|would|may)",
    # what reporting might bring: "if i report the robbery is ice gonna come knocking"
    r"if i (?:report|call the police|call the cops|go to the police|press charges)",
    r"si (?:denuncio|reporto|llamo a la policia|voy a la policia|pongo la denuncia)",
    # still held: "im afraid of what happens when he gets out", "cuando lo suelten"
    r"when (?:he|she|they|hes|shes) (?:gets|get|is|are) (?:out|released)",
    r"cuando (?:salga|lo suelten|la suelten|lo dejen salir)",
)  # fmt: skip
# "I'm safe now", "no estoy en peligro ahorita": the person says there is no present danger.
SAFE = any_of(
    r"not in danger", r"no (?:estoy|estamos) en peligro", r"(?<!not )(?:im|i am|we are) safe",
    r"(?<!no )(?:estoy|estamos) (?:bien|a salvo)", r"(?<!not )(?:im|i am) (?:okay|ok|fine)",
)  # fmt: skip
# "hes serving time now", "en que carcel esta ahora": the offender held now, not the danger.
HELD_NOW = (
    "serving time", "in prison", "in jail", "locked up", "behind bars", "detained", "preso",
    "presa", "en la carcel", "carcel esta", "detenido", "encerrado",
)  # fmt: skip
PRESENT = "".join(f"(?<!{words} )" for words in HELD_NOW) + any_of(
    "now", "right now", "rn", "tonight", "as we speak", "ahorita", "ahora", "orita",
    "ahora mismo", "ahorita mismo", "esta noche", "en este momento", "sigue", "siguen",
    # "still", but not a wound or a fear that lasts: "the scars still hurt", "still scared"
    r"still(?! (?:hurt|hurts|remember|think|have|has|miss|cry|afraid|scared|feel|feels|dream|"
    r"serving|locked|in jail|in prison|detained|behind bars|incarcerated))",
)  # fmt: skip
# A threat tied to the case ("if I testify he'll kill me"): witness intimidation, answered as a
# threat with a specialist at once, not as 911 now (unless another category says danger now).
COURT = any_of(
    "testify", "testifies", "testified", "testifying", "testimony", "drop the charges",
    "press charges", "go to court",
    "court", "trial", "declaro", "declarar", "testifico", "testificar", "retiro los cargos",
    "quito los cargos", "corte", "juicio", "cargos", "when he gets out", "when hes out",
    "when he is out", "when he is released", "if he gets out", "cuando salga", "cuando lo suelten",
    "when he comes out", "when she comes out", "once he gets out", "once hes out",
    "si sale",
    # keeping a past crime secret: "he said he'll hurt me if i tell anyone what he did"
    "if i tell", "if i say anything", "if i talk", "if she tells", "if you tell", "si digo",
    "si cuento", "si hablo", "si le digo", "si le cuento", "si dices", "si cuentas",
    # cooperating with the case: "they'll hurt her if i keep talking to the feds"
    "if i keep talking", "talking to the feds", "talking to the police", "talk to the feds",
    "cooperating", "cooperate", "si sigo hablando", "si sigo con", "si sigo cooperando",
)  # fmt: skip
# An injury spoken of as a cost: "do you cover ambulance bills", "la ambulancia me cobro".
COST = any_of(
    "bill", "bills", "billed", "cost", "costs", "pay for", "paid", "cover", "covers", "cubren",
    "cubre", "cobro", "cobraron", "cobran", "pagar", "pague", "factura", "facturas", "deuda",
)  # fmt: skip
# A threat quoted from something written: "me dejaron una nota que decia see you soon".
WRITTEN = any_of(
    r"(?:left|sent|wrote)(?: me)? (?:a |an )?(?:note|letter|message|text|voicemail|dm)",
    r"(?:note|letter|message|text|voicemail|comment|post) (?:that said|saying|that says)",
    r"(?:me )?(?:dejaron|dejo|mandaron|mando|escribieron|escribio) (?:una|un) "
    r"(?:nota|carta|mensaje|recado|texto)",
    r"(?:nota|carta|mensaje|recado|texto) (?:que decia|que dice|diciendo)",
)  # fmt: skip
# "quiero saber si ya esta afuera", "lo soltaron y ya esta afuera": out of jail, not outside.
CUSTODY_QUESTION = any_of(
    "saber si", "quiero saber", "me puede decir si", "me pueden decir si", "can you tell me if",
    "is he out", "is he still", "sigue detenido", "sigue en la carcel", "was he released",
    "did they release", "has he been released", "is he free", "lo soltaron", "la soltaron",
    "ya salio", "lo dejaron salir", "esta libre",
    "not out", "inside right",
    # in jail, or sent away: "esta adentro desde marzo", "lo deportaron pero me sigue escribiendo"
    "adentro desde", "preso desde", "inside since", "locked up since", "lo deportaron",
    "la deportaron", "got deported", "was deported",
    "did he get out", "supposed to be locked up", "supposed to be in jail", "no que estaba",
)  # fmt: skip
# Words of a tip about someone's status: "he's here illegally" is not "he's here".
STATUS = any_of(
    "illegal", "illegally", "illegals", "ilegal", "ilegales", "denunciar", "denuncia", "legally",
    "status", "estatus",
    "sin papeles", "sin permiso", "sin documentos", "have papers", "has papers", "no papers",
    "without papers", "no papers", "no documents", "no tiene papeles", "no tiene documentos",
    "undocumented", "indocumentad[oa]", "send ice", "reportar", "reportarlo",
    "entregar", "acusar",
)  # fmt: skip

# --- words of one category each (the category in formats.danger that uses them) --------------

# near_now: the person sees the offender at one of their places ("lo acabo de ver afuera").
SEEN = any_of(
    r"i (?:just )?(?:saw|see|can see) (?:him|her|them)",
    r"(?:lo|la|los) (?:acabo de ver|acabamos de ver|vi|veo|estoy viendo)",
)
# near_now: the offender arrived at one of the person's places ("showed up at my daughters school").
ARRIVED = any_of(
    "showed up", "turned up", "pulled up", "parked", "llego", "aparecio", "se aparecio",
    "se estaciono", "se paro",
)  # fmt: skip
# near_now: said of the person's children, mother or themselves, "my kids are outside" or
# "my son is at the park" is not the offender there.
NOT_THE_OFFENDER = (
    "kids", "children", "we", "son", "daughter", "kid", "baby", "mom", "mother",
    "hijos", "hijas", "hijo", "hija", "ninos", "ninas", "nino", "nina", "bebe", "mama",
)  # fmt: skip
# followed: as typed in a hurry.
FOLLOWING = any_of("following", "followin", "folowing", "chasing", "tailing", "stalking")
SIGUIENDO = any_of("siguiendo", "sigiendo", "persiguiendo", "perciguiendo")
VEHICLE = any_of("carro", "troca", "camioneta", "auto", "coche", "moto", "car", "truck")
# held: not let out, kept in.
LET_OUT = any_of("go", "leave", "out", "get out", "salir", "irme")
KEPT_IN = any_of("here", "locked", "inside", "in the house", "in the room", "in his")
# self_harm: "quiero" as typed, and the words after "to live" that make it a way of living
# ("i dont want to live in fear", "no quiero vivir con miedo") rather than living.
QUIERO = any_of("quiero", "kiero", "qiero", "quero")
LIVING_SO = any_of(
    "in", "with", "near", "here", "there", "con", "en", "cerca", "aqui", "ahi", "alla", "sin",
    # "ya no quiero vivir pendiente de el", "i dont want to live worried about him"
    "pendiente", "pendientes", "preocupada", "preocupado", "worried", "afraid", "scared",
    "like this",
)  # fmt: skip
HARM_MYSELF = any_of(
    "kill", "kil", "kll", "killing", "hurt", "hurting", "cut", "cutting", "harm", "harming",
)  # fmt: skip
