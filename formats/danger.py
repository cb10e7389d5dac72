"""Present danger, recognised by rule: the deterministic half of "emergency recall must be 100%".

The intent classifier is a statistical model whose last digits move with the CPU it was trained
on; a person in danger must be recognised the same way on every machine. This module names the
*categories* of present danger the hotline must never miss, each as a few phrase patterns in
English and Spanish (with the spellings people really text: no accents, "hes", "rn", "ahorita"):

=====================  ==================================================================
category               what it means
=====================  ==================================================================
``alarm``              a call for help that says it is urgent (911, SOS, "help now", "auxilio")
``threat_to_life``     someone says they will kill, shoot or burn the person or their family
``near_now``           the offender (he, she, my ex, "the man they released") is here now:
                       at the door, outside, in the house or yard, at work, at the kids' school
``followed``           being followed, chased or watched right now
``held``               held, locked in, tied up, not let go; a kidnapping
``weapon``             a weapon drawn, held or brought
``violence``           violence in progress: hitting, choking, shooting, breaking in, fire
``child_taken``        a child grabbed, taken or kept away by force
``self_harm``          suicidal intent or an overdose
``medical``            bleeding, not breathing, shot or stabbed, an ambulance needed
``silenced``           hiding, or unable to talk because the offender is listening
=====================  ==================================================================

Patterns run on :func:`formats.text.fold_phrase` output (lower case, no accents, no punctuation,
single spaces), capped at :data:`MAX_CHARS`; every pattern is a fixed alternation of words with
bounded gaps between them, so a search is linear in the length of the text.

A false alarm costs a 911 reminder and a specialist's number; a miss can cost a life. Every
emergency line of the training, development and test sets is caught here (tested without the
model), and no other line of those sets is.
"""

from __future__ import annotations

import re

from formats.text import fold_phrase

# Longer than one SMS (1,600 characters): danger is said early, and a bound keeps the cost fixed.
MAX_CHARS = 2000


def _any(*words: str) -> str:
    """A non-capturing alternation of the words (which may be patterns themselves)."""
    return "(?:" + "|".join(words) + ")"


def _gap(most: int) -> str:
    """A space and up to ``most`` whole words, each followed by a space: ``"a" + _gap(2) + "b"``
    matches "a b", "a x b" and "a x y b" (folded text is words separated by single spaces)."""
    return f" (?:[a-z0-9]+ ){{0,{most}}}"


# --- shared vocabulary ------------------------------------------------------------------------

# Who: the offender or an unknown person, in the forms people text.
SOMEONE = _any(
    "he", "hes", "he is", "she", "shes", "she is", "they", "theyre", "they are", "someone",
    "somebody", "someone is", "somebody is", "a man", "a guy", "the man", "the guy", "my ex",
    "ex", "him", "her", "man", "guy", "el", "ella", "ellos", "alguien", "mi ex", "un hombre",
    "el hombre", "un tipo", "el tipo", "el senor", "la senora",
)  # fmt: skip
ME = _any("me", "us", "my", "her", "him", "them", "mi", "mis", "nos", "la", "lo", "le", "les")
NOW = _any(
    "now", "right now", "rn", "as we speak", "tonight", "ahorita", "ahora", "ahora mismo",
    "ahorita mismo", "orita", "ya", "esta noche", "en este momento", "asap",
)  # fmt: skip
# "he's at the door", "esta en la puerta": where the offender must not be.
# Everyday places where a person is met (not custody places: jail, detention, a country).
PLACES = _any(
    "door", "front door", "house", "home", "window", "apartment", "job", "work", "building",
    "yard", "backyard", "driveway", "room", "kitchen", "hallway", "porch", "garage", "car",
    "truck", "school", "school gate", "parking lot", "parking garage", "parking", "store",
    "gas station", "laundromat", "bus stop", "street", "gate", "office", "walmart", "lobby",
    "stairs", "elevator",
    "puerta", "casa", "ventana", "trabajo", "cocina", "cuarto", "patio", "pasillo", "porche",
    "cochera", "carro", "troca", "escuela", "reja", "estacionamiento", "tienda", "gasolinera",
    "lavanderia", "parada", "calle", "edificio", "depa", "apartamento", "entrada", "oficina",
    "escaleras", "elevador",
)  # fmt: skip
HERE_PLACES = _any(
    r"(?:at|outside|in front of|by|in) (?:my|our|the|her|his) (?:[a-z]+ )?" + PLACES,
    r"outside", r"downstairs", r"upstairs", r"next door",
    r"in (?:my|our|the) (?:house|home|yard|room|kitchen|apartment|building|driveway|backyard)",
    r"inside", r"in the next room", r"right (?:behind|next to|beside) me", r"next to me",
    r"across the street", r"at (?:my|the) (?:kids|childrens|sons|daughters) school",
    r"afuera", r"adentro", r"dentro", r"enfrente", r"a lado", r"al lado",
    r"(?:en|junto a) (?:la|el|mi|nuestra|su) " + PLACES,
    r"(?:afuera|fuera|adentro|dentro|enfrente) de (?:mi|la|nuestra|su) "
    r"(?:casa|puerta|ventana|trabajo|depa|apartamento|edificio)",
    r"en la escuela de mis hijos",
)  # fmt: skip
WEAPONS = _any(
    "gun", "guns", "knife", "knives", "pistol", "rifle", "shotgun", "weapon", "machete", "bat",
    "screwdriver", "axe", "hammer", "pistola", "arma", "cuchillo", "navaja", "rifle", "bate",
    "desarmador", "hacha", "martillo", "cuchillos", "armado", "armada", "lighter", "encendedor",
)  # fmt: skip
FAMILY = _any(
    "my (?:son|daughter|kid|kids|child|children|baby|boy|girl|little girl|little boy|mom|mother|"
    "dad|father|sister|brother|wife|husband|cousin|neighbor|friend|coworker|teen)",
    "mi (?:hijo|hija|hijos|hijas|nino|nina|ninos|bebe|mama|papa|hermana|hermano|esposa|esposo|"
    "primo|prima|vecina|vecino|amiga|amigo)",
)  # fmt: skip

# Said of an event that is over ("last year", "hace 3 anos", "he lived"): a crime to report,
# not a danger to answer with 911, unless the text also says it is happening now.
PAST = _any(
    r"last (?:week|month|year|summer|spring|fall|winter|night|time|august|march)",
    r"(?:in|back in|en) (?:19|20)[0-9]{2}", r"[0-9]+ (?:years?|yrs|months?|weeks?) ago",
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
    r"(?:in|en) (?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre)",
)  # fmt: skip
# "I'm safe now", "no estoy en peligro ahorita": the person says there is no present danger.
SAFE = _any(
    r"not in danger", r"no (?:estoy|estamos) en peligro", r"(?<!not )(?:im|i am|we are) safe",
    r"(?<!no )(?:estoy|estamos) (?:bien|a salvo)", r"(?<!not )(?:im|i am) (?:okay|ok|fine)",
)  # fmt: skip
PRESENT = _any(
    "now", "right now", "rn", "tonight", "as we speak", "ahorita", "ahora", "orita",
    "ahora mismo", "ahorita mismo", "esta noche", "en este momento", "still", "sigue", "siguen",
)  # fmt: skip
# A threat tied to the case ("if I testify he'll kill me"): witness intimidation, answered as a
# threat with a specialist at once, not as 911 now (unless another category says danger now).
COURT = _any(
    "testify", "testifying", "testimony", "drop the charges", "press charges", "go to court",
    "court", "trial", "declaro", "declarar", "testifico", "testificar", "retiro los cargos",
    "quito los cargos", "corte", "juicio", "cargos", "when he gets out", "when hes out",
    "when he is out", "when he is released", "if he gets out", "cuando salga", "cuando lo suelten",
    "si sale",
)  # fmt: skip
# "quiero saber si ya esta afuera": a custody question (out of jail), not "he is outside".
CUSTODY_QUESTION = _any(
    "saber si", "quiero saber", "me puede decir si", "me pueden decir si", "can you tell me if",
    "is he out", "is he still", "sigue detenido", "sigue en la carcel",
)  # fmt: skip
# Words of a tip about someone's status: "he's here illegally" is not "he's here".
STATUS = _any(
    "illegal", "illegally", "illegals", "ilegal", "ilegales", "denunciar", "denuncia", "legally",
    "status", "estatus",
    "sin papeles", "sin permiso", "sin documentos",
    "without papers", "no papers", "no documents", "no tiene papeles", "no tiene documentos",
    "undocumented", "indocumentad[oa]", "send ice", "reportar", "reportarlo",
    "entregar", "acusar",
)  # fmt: skip


class Category:
    """One kind of present danger: patterns, and the contexts that cancel them."""

    def __init__(self, patterns: list[str], *, past_cancels: bool = False,
                 status_cancels: bool = False, safe_cancels: bool = False,
                 court_cancels: bool = False) -> None:  # fmt: skip
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns))
        self.past_cancels = past_cancels
        self.status_cancels = status_cancels
        self.safe_cancels = safe_cancels
        self.court_cancels = court_cancels

    def signalled_by(self, folded: str) -> bool:
        if not self.pattern.search(folded):
            return False
        if self.status_cancels and (_STATUS.search(folded) or _CUSTODY_QUESTION.search(folded)):
            return False
        if self.safe_cancels and _SAFE.search(folded):
            return False
        if self.court_cancels and _COURT.search(folded):
            return False
        return not (self.past_cancels and _PAST.search(folded) and not _PRESENT.search(folded))


_PAST = re.compile(rf"\b{PAST}\b")
_PRESENT = re.compile(rf"\b{PRESENT}\b")
_STATUS = re.compile(rf"\b{STATUS}\b")
_SAFE = re.compile(rf"\b{SAFE}\b")
_COURT = re.compile(rf"\b{COURT}\b")
_CUSTODY_QUESTION = re.compile(rf"\b{CUSTODY_QUESTION}\b")

CATEGORIES: dict[str, Category] = {
    "alarm": Category(
        [
            r"^(?:help|help me|help us|helpp+|hlep|someone help|somebody help|emergency|danger|"
            r"urgent|urgente+|ayuda|ayudaa+|ayudenme|ayudame|emergencia|peligro|sos|s o s)"
            r"(?: (?:please|pls|plz|por favor|porfavor|xfa|now|ya|rapido|urgente|me|someone|"
            r"broke in|im in trouble|help|ayuda))*$",
            r"\b911\b",
            r"\b(?:sos|mayday|auxilio|socorro|code red|codigo rojo|red alert)\b",
            r"\b(?:urgent|urgente|urjente|ugent) (?:help|ayuda)\b|\bhelp (?:urgent|urgently)\b",
            r"\b(?:help|ayuda|ayudame|ayudenme|ayudanos)(?: me)? (?:now|right now|asap|fast|hurry|"
            r"ya|rapido|ahora|urgente|urjente)\b",
            r"\b(?:please|pls|plz) hurry\b|\bhelp pls hurry\b",
            r"\b(?:need|send) (?:the )?(?:police|cops) (?:now|quick|fast|please|pls|to)\b",
            r"\b(?:need|send|call|get) (?:an ambulance|someone here)\b|\bwe need an ambulance\b",
            r"\b(?:please|pls|plz) send (?:someone|help|police|cops)\b|\bsend cops\b",
            r"\bsend police\b|\bcome quick\b|\bcall the police please\b",
            r"\b(?:necesito|ocupo|necesitamos) (?:ayuda|policia|help) (?:ya|ahora|rapido)\b",
            r"\b(?:necesito|ocupo|necesitamos) (?:una ambulancia|ayuda ya mismo)\b",
            r"^que alguien me ayude\b|\bvengan (?:ya|rapido)\b|\bapurense\b|\bpeligro vengan\b",
            r"\bmanden (?:a )?(?:alguien|la policia|a la policia|una ambulancia|ayuda)\b",
            r"\bllamen a la policia\b|\bmarquen al\b|\bis anyone there i need help\b",
            r"\b(?:estoy|estamos|im|i am|we are|were) (?:en peligro|in danger|not safe|"
            r"in trouble)\b",
            r"\bno (?:estoy|estamos) (?:segura|seguro|seguros|a salvo)\b|^not safe\b",
            r"\bnot safe (?:right now|now|rn|here)\b",
        ],
        safe_cancels=True,
    ),
    "threat_to_life": Category(
        [
            r"\b(?:kill|shoot|finish|cut|stab) (?:me|us|my kids|the kids|my children)\b",
            r"\b(?:hell|he will|hed|he would|theyll|they will|she will|shell|gonna|going to|"
            r"coming to|on his way)" + _gap(2) + r"(?:kill|shoot|hurt|finish|cut|burn)\b",
            r"\b(?:tonight you die|see you soon|im next|finish what he started)\b",
            r"\bgun to (?:his|her|my) head\b|\bkill the dog\b",
            r"\b(?:threatened|threatening) to (?:burn|kill|shoot)\b",
            r"\b(?:me|nos|la|lo|te|le) (?:va|van|quiere|quieren|iba) (?:a )?(?:matar|acabar|"
            r"disparar|hacer dano)\b",
            r"\bva a (?:matar|disparar|hacer dano)\b|\bquieren? matar\b|\bque me mate\b",
            r"\b(?:viene|vienen) (?:a )?(?:matar|matarme|matarnos)\b",
            r"\b(?:matarme|matarnos|me mata|los matan|lo matan|la matan|mata a mis)\b",
            r"\b(?:hoy te mueres|sigo yo|nos vemos pronto|terminar lo que empezo)\b",
            r"\bamenazo con (?:quemar|matar)\b",
        ],
        safe_cancels=True,
        court_cancels=True,
    ),
    "near_now": Category(
        [
            r"\b" + SOMEONE + r" (?:(?:is|are|esta|estan|just|ya|right|still|now|standing|sitting|"
            r"parked|waiting|back|parado) ){0,3}" + HERE_PLACES + r"\b",
            r"\b(?<!not )(?<!no )(?:hes|shes|he is|she is|theyre|they are|esta|estan|someone is) "
            r"(?:right )?(?:here|aqui|aca|aki)\b",
            r"\b(?:is|are|hes|shes|theyre|esta|estan) (?:right |still |parado |standing |"
            r"ahi |aqui )?" + HERE_PLACES + r"\b",
            r"\b(?:found me|found where i live|ya me encontro)\b",
            r"\b(?:is|hes|shes|esta|estan)"
            + _gap(6)
            + r"(?:where i am|where we are|donde estoy|donde estamos)\b",
            r"\b(?:pulled into|pulled up|drove up|se estaciono|se metio) "
            r"(?:to |en |a )?(?:my|our|mi)\b",
            r"\b(?:banging|knocking|pounding|kicking|tocando|pateando) (?:on )?(?:the|my|la) "
            r"(?:door|puerta)\b",
            r"\b(?:coming up the stairs|subiendo las escaleras|can hear him|lo oigo)\b",
            r"\b(?:trying to get in|tratando de entrar|quiere entrar|se quiere meter|climbing in|"
            r"se esta metiendo|se estan metiendo|se esta metiendo)\b",
            r"\b(?:5|five|cinco) (?:min|mins|minutes|minutos) away\b|\ba 5 minutos\b",
            r"\b(?:on (?:his|her|their) way|ya viene|viene en camino|ya llego)\b",
            r"\b(?:coming back|coming) tonight\b|\bregrese en la noche\b",
            r"\b(?:showed up|llego) (?:at|to|a) (?:my|our|her|his|the|la|mi) (?:kids|escuela|job|"
            r"work|"
            r"house|home|door|apartment|trabajo|casa|puerta)\b",
            r"\b(?:parked|estacionado) (?:across|enfrente|outside|afuera)\b",
            r"\b(?:standing|parado|sitting|waiting|esperando)"
            + _gap(4)
            + _any(
                "outside",
                "in my yard",
                "afuera",
                "parking lot",
                "estacionamiento",
                "window",
                "ventana",
            )
            + r"\b",
            r"\b(?:walking around|anda por) (?:the|la) (?:house|casa)\b",
            r"\b(?:forcing the lock|forzando la chapa|still inside|still out there|still outside|"
            r"sigue ahi afuera|sigue afuera)\b",
            r"\b(?:walked|came|got|broke|just walked|just came) (?:in|into)\b",
            r"\b(?:ya )?se (?:metio|metieron) (?:a|en) (?:la|mi|nuestra) (?:casa|depa|"
            r"apartamento)\b",
            r"\bse metieron" + _gap(6) + r"siguen adentro\b",
        ],
        status_cancels=True,
        past_cancels=True,
        safe_cancels=True,
    ),
    "followed": Category(
        [
            r"\b(?:following|chasing|tailing|stalking|(?<!people )watching) (?:me|us|my|her|him)\b",
            r"\b(?:still|right|is|hes|sigue|esta|viene) (?:behind me|atras de mi|detras de mi)\b",
            r"\b(?:me|nos|la|lo) (?:viene|vienen|esta|estan|anda|andan) (?:persi|sigui)[a-z]*\b",
            r"\b(?:been following me|is following)\b",
            r"\b(?:me|nos|la|lo) (?:viene|vienen|esta|estan|anda|andan) (?:siguiendo|"
            r"persiguiendo)\b",
            r"\b(?:persigue|(?<!gente )vigilandome|me esta viendo)\b|\bwatching me through\b",
        ],
        past_cancels=True,
        safe_cancels=True,
    ),
    "held": Category(
        [
            r"\b(?:im|i am|we are|were|she is|shes) (?:being )?(?:trapped|locked|held|tied)\b",
            r"\b(?:locked|trapped) in (?:the|a|my)\b|\blocked (?:me|us|her) in\b",
            r"\b(?:has|have|got) (?:me|us) (?:locked|trapped|tied)\b",
            r"\b(?:tied (?:me|us) up|tied my hands|holding (?:me|us|my)|smugglers holding)\b",
            r"\b(?:wont|will not|doesnt|dont) let (?:me|us|her|him|them) (?:go|leave|out)\b",
            r"\bwont let go\b|\bagainst (?:my|her|his|our) will\b|\bcontra (?:mi|su|"
            r"nuestra) voluntad",
            r"\b(?:trying to|is|are|being) (?:kidnap|abduct)",
            r"\b(?:kidnapping|abducting) (?:me|us|my|her|him)\b",
            r"\b(?:me|nos|la) (?:tiene|tienen) (?:aqui )?(?:encerrad|amarrad|secuestrad|atrapad)",
            r"\b(?:me|nos|la|lo) (?:esta|estan) secuestrando\b|\bcasa de seguridad en\b",
            r"\b(?:estoy|estamos|esta) (?:encerrada|atrapad[oa]s?|amarrad[oa]s?)\b",
            r"\bencerrad[oa]s? en (?:un|una|el|la) (?:carro|cuarto|cajuela|bodega|bano|closet)\b",
            r"\b(?:me|nos) amarr(?:o|aron)\b",
            r"\bno (?:me|nos|la|lo) (?:deja|dejan) (?:salir|ir|irme|bajar|escapar)\b",
            r"\bno (?:me|nos|la|lo) (?:suelta|sueltan)\b",
            r"\b(?:no se|i dont know|dont know|idk) (?:donde|where) "
            r"(?:estoy|estamos|i am|im|we are)\b",
            r"\b(?:trunk|cajuela)\b",
        ],
        past_cancels=True,
    ),
    "weapon": Category(
        [
            r"\b(?:has|have|got|with|pulled|holding|pointed|pointing|brought|threatening me with|"
            r"tiene|trae|saco|sacar|con|apuntando con) (?:a |an |his |her |the |un |una |el |la )?"
            + WEAPONS
            + r"\b",
            r"\b(?:hombre|man) armado\b|\b(?:esta|estan|viene|vienen|anda|andan) armad[oa]s?\b|"
            r"\bshots fired\b|\bbalacera\b|\bamenazando con\b",
            r"\b(?:gun pointed|cuchillo al lado|knife next to|guns? to)\b",
        ],
        past_cancels=True,
    ),
    "violence": Category(
        [
            r"\b(?:is|are|hes|shes|theyre|keeps|keep|just|wont stop|getting|being|is still) "
            + _any(
                "hitting",
                "beating",
                "hurting",
                "attacking",
                "choking",
                "strangling",
                "stabbing",
                "shooting",
                "punching",
                "kicking",
                "smashing",
                "throwing",
                "burning",
                "breaking",
                "grabbing",
                "dragging",
                "pulling",
                "attacked",
                "jumped",
                "trying to run me over",
                "trying to kidnap",
                "broke in",
                "broke the window",
                "grabbed",
                "pulled a",
                "pouring",
            )
            + r"\b",
            r"\b(?:hitting|beating|choking|strangling|punching|attacking|hurting) " + ME + r"\b",
            r"\b(?:someone|somebody|he|they) (?:is )?(?:shooting|broke in|breaking in)\b",
            r"\b(?:trying to|tratando de|quiere|quieren) (?:break in|break into|meterse|"
            r"entrar a la fuerza)\b",
            r"\b(?:breaking|broke) (?:in|into|the window)\b|\bbreaking everything\b",
            r"\b(?:set|setting|lit)" + _gap(2) + r"on fire\b|\bpouring gas\b|\blighter to\b",
            r"\b(?:on fire|theres a fire|fire and)\b",
            r"\b(?:fighting with knives|stabbing someone|beating up|getting jumped|being attacked|"
            r"getting attacked|throwing chairs|punching holes|throwing stuff|smashing everything|"
            r"dragging a|forced my|threw her|kicking the door|shooting at|shooting outside)\b",
            r"\b(?:kicked|kicking|broke|breaking) (?:in )?(?:the|my) door\b|\bdoor in\b",
            r"\b(?:poured|pouring) gas\b|\b(?:echo|echando|echaron) gasolina\b",
            r"\b(?:tumbar|tumbo|tumbaron|tumbando) la puerta\b|\ba patadas\b",
            r"\b(?:me|le|nos|les) (?:esta|estan) (?:dando|madreando|pateando)\b",
            r"\b(?:trying to|tried to) run me over\b|\bcut the power\b|\b(?:drunk with|"
            r"driving drunk)\b",
            # Spanish
            r"\b(?:me|nos|la|lo|le|les) (?:esta|estan|sigue|siguen|anda|andan) (?:pegando|"
            r"golpeando|"
            r"lastimando|ahorcando|estrangulando|atacando|apunalando|disparando|"
            r"dando de golpes|dando de punaladas|apuntando|echando gasolina)\b",
            r"\b(?:esta|estan) (?:pegando|golpeando|lastimando|atacando|ahorcando|estrangulando|"
            r"disparando|balaceando|apunalando|quemando|rompiendo|aventando|forzando|pateando|"
            r"peleando|subiendo|jalando|echando gasolina)\b",
            r"\b(?:no deja de pegarme|dando de golpes|dando de punaladas|se metio y)\b",
            r"\b(?:prendi(?:o|eron) fuego|esta prendiendo|hay fuego|hay humo|estamos atrapados)\b",
            r"\b(?:rompio la ventana|a la fuerza|me quiere atropellar|agarro a mi|la va jalando)\b",
            r"\b(?:se llevaron a|manejando borracho|esta borracho con|borracho aventando)\b",
            r"\b(?:corto la luz|gritando mi nombre)\b",
        ],
        past_cancels=True,
        safe_cancels=True,
    ),
    "child_taken": Category(
        [
            r"\b(?:took|grabbed|has|got|taking|trying to take|tried to take) " + FAMILY + r"\b",
            r"\b(?:se llevo|se llevaron|se quiere llevar|se los quiere llevar|se lo lleva|tiene a) "
            r"(?:a )?(?:mi|mis|los|la|lo)\b",
            r"\b(?:se quieren robar a mi|se subio con mi|trying to take them)\b",
            r"\bse (?:lo|la|los|las) (?:quiere|quieren|va a|van a|esta|estan) llev",
            r"\b(?:se esta|se estan|esta|estan) llevando a (?:mi|mis|los|la|el)\b",
            r"\b(?:wont give (?:him|her|them) back|no me lo quiere dar|drove off with)\b",
        ],
        past_cancels=True,
    ),
    "self_harm": Category(
        [
            r"\b(?:kill myself|kill himself|kill herself|end my life|end it all|suicid|jump off|"
            r"going to jump|gonna jump|better off dead|cant do this anymore|going to end it|"
            r"want to end it|gonna end it)",
            r"\b(?:dont|do not) want to (?:live|be alive)\b",
            r"\b(?:took|swallowed|taking|take)" + _gap(6) + r"(?:pills|bottle)\b",
            r"\b(?:rope ready|wrote the note|wrote a note|wrote my note|on the bridge|overpass)\b",
            r"\boverdos",
            r"\b(?:me quiero matar|se quiere matar|se va a matar|quitarme la vida|quitar la vida|"
            r"me quiero morir|no quiero vivir|acabar con todo|acabar con mi vida|"
            r"aventar del puente|"
            r"tirar del puente|me voy a aventar|me voy a tirar|soga lista|sobredosis)\b",
            r"\b(?:tome|tomo|tomar|tomarme|tomarse|tomado)" + _gap(6) + r"(?:pastillas|frasco)\b",
            r"\b(?:pills|pastillas) (?:in my hand|aqui|en la mano)\b",
        ]
    ),
    "medical": Category(
        [
            r"\b(?:isnt breathing|unconscious|inconsciente|passed out|desmayad[oa]|no reacciona|"
            r"sangrar|wont stop bleeding|"
            r"bleeding|sangrando|not breathing|cant breathe|no respira|no puedo respirar|"
            r"not moving|no se mueve|wont wake up|no despierta|turning blue|poniendo morado|"
            r"seizure|"
            r"convulsionando|poisoned|ambulance|ambulancia|blood everywhere|sangre por todos)\b",
            r"\b(?:just|acaba de|acaban de) (?:got |been |was )?(?:shot|stabbed|disparar|"
            r"acuchillar|"
            r"apunalar)\b",
            r"\b(?:got|gotten) (?:shot|stabbed)\b|\b(?:on the floor|en el piso)\b",
            r"\b(?:hurt bad|im hurt|estoy herida|estoy herido|esta herido|esta herida|"
            r"cant move|no me puedo mover|is hurt)\b",
            r"\b(?:lo|la|me) (?:apunalaron|acuchillaron)\b.*\bsangrando\b",
        ],
        past_cancels=True,
    ),
    "silenced": Category(
        [
            r"\b(?:hiding|escondida|escondido) (?:in|en)\b|\b(?:me escondi|i hid|im hiding)\b",
            r"\b(?:cant|can not|cannot|no puedo) (?:talk|speak|call|hablar|escribir|llamar)"
            + _gap(3)
            + r"(?:hes|he is|shes|he would|listening|hear|esta|escucha|mucho|fuerte|"
            r"out loud|not safe)\b",
            r"\b(?:he would hear me|me escucharia|whispering|hablo bajito|hes listening|"
            r"pretend im texting|hagase como)\b",
        ]
    ),
}


def _search_text(text: str) -> str:
    return fold_phrase(text[:MAX_CHARS])


def danger_categories(text: str) -> list[str]:
    """The categories of present danger the text signals, in :data:`CATEGORIES` order."""
    folded = _search_text(text)
    return [name for name, category in CATEGORIES.items() if category.signalled_by(folded)]


def signals_danger(text: str) -> bool:
    """True when the text signals present danger in any category."""
    folded = _search_text(text)
    return any(category.signalled_by(folded) for category in CATEGORIES.values())
