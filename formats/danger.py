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

from formats.danger_words import (
    ARRIVED,
    AT_A_PLACE,
    COST,
    COURT,
    CUSTODY_QUESTION,
    FAMILY,
    FOLLOWING,
    HARM_MYSELF,
    HERE_PLACES,
    HYPOTHETICAL,
    KEPT_IN,
    LET_OUT,
    LIVING_SO,
    ME,
    NOT_THE_OFFENDER,
    PAST,
    PLACES,
    PRESENT,
    QUIERO,
    SAFE,
    SEEN,
    SIGUIENDO,
    SOMEONE,
    STATUS,
    VEHICLE,
    WEAPONS,
    WRITTEN,
    any_of,
    gap,
)
from formats.text import fold_phrase, unstretch

# Longer than one SMS (1,600 characters): danger is said early, and a bound keeps the cost fixed.
MAX_CHARS = 2000


class Category:
    """One kind of present danger: patterns, and the contexts that cancel them: a tip or a
    custody question (``status_cancels``), the person saying they are safe, a threat tied to the
    case; and contexts that cancel them unless the text also says now (``unless_now``): a danger
    over or only feared (:data:`_NOT_NOW`), an injury asked about as a bill ("the ambulance
    charged me a lot", :data:`_COST`), a threat quoted from a note or a message ("left a note
    that said see you soon": a threat to report, answered with a person, :data:`_WRITTEN`)."""

    def __init__(self, patterns: list[str], *, unless_now: tuple[re.Pattern[str], ...] = (),
                 status_cancels: bool = False, safe_cancels: bool = False,
                 court_cancels: bool = False) -> None:  # fmt: skip
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns))
        self.unless_now = unless_now
        self.status_cancels = status_cancels
        self.safe_cancels = safe_cancels
        self.court_cancels = court_cancels

    def signalled_by(self, folded: str) -> bool:
        if not self.pattern.search(folded):
            return False
        if self.status_cancels and _about_status_or_custody(folded):
            return False
        if self.safe_cancels and _SAFE.search(folded):
            return False
        if self.court_cancels and _COURT.search(folded):
            return False
        cancelled = any(context.search(folded) for context in self.unless_now)
        return not cancelled or bool(_PRESENT.search(folded))


def _not_after(words: tuple[str, ...]) -> str:
    """Lookbehinds: the match may not follow any of the words (each a fixed width)."""
    return "".join(f"(?<!{word} )" for word in words)


def _about_status_or_custody(folded: str) -> bool:
    """A custody question or a tip (below), or a sighting somewhere public asked about as a
    custody question ("i saw him at the store, did he get out?") with nothing saying now."""
    if _SEEN_IN_PUBLIC.search(folded) and _CUSTODY_QUESTION.search(folded):
        return not _PRESENT.search(folded)
    return _status_or_custody_not_at_home(folded)


def _status_or_custody_not_at_home(folded: str) -> bool:
    """A custody question ("quiero saber si ya esta afuera") or a tip ("he is here illegally"),
    where "outside" and "here" mean out of jail and in the country. Not when the text also puts
    the offender at one of the person's places: after a custody question ("is he out? hes outside
    my house"), or after a tip when it says it is happening now ("hes at my door right now");
    a tip naming a place alone ("a guy at my work is illegal") stays a tip."""
    if not _AT_A_PLACE.search(folded):
        return bool(_STATUS.search(folded) or _CUSTODY_QUESTION.search(folded))
    return bool(_STATUS.search(folded)) and not _PRESENT.search(folded)


# Over, or only feared: "last year", "what if he comes", "tengo miedo de que venga".
_NOT_NOW = re.compile(rf"\b(?:{PAST}|{HYPOTHETICAL})\b")
_PRESENT = re.compile(rf"\b{PRESENT}\b")
_STATUS = re.compile(rf"\b{STATUS}\b")
_SAFE = re.compile(rf"\b{SAFE}\b")
_COURT = re.compile(rf"\b{COURT}\b")
_COST = re.compile(rf"\b{COST}\b")
_WRITTEN = re.compile(rf"\b{WRITTEN}\b")
_CUSTODY_QUESTION = re.compile(rf"\b{CUSTODY_QUESTION}\b")
_AT_A_PLACE = re.compile(rf"\b{AT_A_PLACE}\b")
# Seen earlier somewhere public, and asking whether he was let out: "i saw him at the gas
# station today, did he get out?", "creo que lo vi en la tienda, ya lo soltaron?"
_SEEN_IN_PUBLIC = re.compile(
    r"\b(?:i saw|we saw|lo vi|la vi|lo vimos|la vimos)(?: (?:him|her|them))? (?:at|in|en|by) "
    r"(?:the|a|la|el|una|un) (?:gas station|store|walmart|mall|park|bus stop|street|"
    r"gasolinera|tienda|parque|parada|calle|mercado|market|plaza)\b"
)

CATEGORIES: dict[str, Category] = {
    "alarm": Category(
        [
            r"^(?:help|help me|help us|helpp+|hlep|someone help|somebody help|emergency|danger|"
            r"urgent|urgente+|ayuda|ayudaa+|ayudenme|ayudame|emergencia|peligro|sos|s o s)"
            r"(?: (?:please|pls|plz|por favor|porfavor|xfa|now|ya|rapido|urgente|me|someone|"
            r"broke in|im in trouble|help|ayuda))*$",
            # not 911 named as a comparison: "is this like 911", "esto es como el 911"
            r"(?<!like )(?<!como el )(?<!como )(?<!not )\b911\b",
            # not the Spanish "vos sos" (you are): "gracias vos sos muy amable"
            r"\b(?<!vos )(?:sos(?! (?:muy|un|una|el|la|bien|re|tan|lo|mi|de))|mayday|auxilio|"
            r"socorro|code red|codigo rojo|red alert)\b",
            r"\b(?:urgent|urgente|urjente|ugent) (?:help|ayuda)\b|\bhelp (?:urgent|urgently)\b",
            r"\b(?:help|ayuda|ayudame|ayudenme|ayudanos)(?: me)? (?:now|right now|asap|fast|hurry|"
            r"ya|rapido|ahora|urgente|urjente)\b",
            r"\b(?:please|pls|plz) hurry\b|\bhelp pls hurry\b",
            r"\b(?:need|send) (?:the )?(?:police|cops) (?:now|quick|fast|please|pls|to)\b",
            r"\b(?:need|send|call|get) (?:an ambulance|someone here)\b|\bwe need an ambulance\b",
            r"\b(?:please|pls|plz) send (?:someone|help|police|cops)\b|\bsend cops\b|"
            r"\bsend (?:sum1|some1|som1|smone)\b",
            r"\bsend police\b|\bcome quick\b|\bcall the police please\b",
            r"\b(?:necesito|ocupo|necesitamos) (?:ayuda|policia|help) (?:ya|ahora|rapido)\b",
            r"\b(?:necesito|ocupo|necesitamos) (?:una ambulancia|ayuda ya mismo)\b",
            r"^que alguien me ayude\b|\bvengan (?:ya|rapido)\b|\bapurense\b|\bpeligro vengan\b",
            r"\bmanden (?:a )?(?:alguien|la policia|a la policia|una ambulancia|ayuda)\b",
            r"\bllamen a la policia\b|\bmarquen al\b|\bis anyone there i need help\b",
            r"\b(?:estoy|estamos|im|i am|we are|were) (?:en peligro|in danger|not safe|"
            r"in trouble)\b",
            # "segura" is also "sure": not "todavia no estoy segura", "no estoy seguro de eso"
            # nor a hedge: "creo que es 1987 pero no estoy segura"
            r"\b(?<!todavia )(?<!aun )(?<!pero )no (?:estoy|estamos) (?:segura|seguro|seguros)\b"
            r"(?! (?:de|si|que|cual|como|donde|cuando|mejor)\b)",
            r"\bno (?:estoy|estamos) a salvo\b|^not safe\b",
            r"\bnot safe (?:right now|now|rn|here)\b",
        ],
        safe_cancels=True,
    ),
    "threat_to_life": Category(
        [
            r"\b(?:kill|shoot|finish|cut|stab) (?:me|us|my kids|the kids|my children)\b",
            r"\b(?:hell|he will|hed|he would|theyll|they will|she will|shell|gonna|going to|"
            r"coming to|on his way)" + gap(2) + r"(?:kill|shoot|hurt|finish|cut|burn)\b",
            r"\b(?:tonight you die|see you soon|im next|finish what he started)\b",
            r"\bgun to (?:his|her|my) head\b|\bkill the dog\b",
            r"\b(?:threatened|threatening) to (?:burn|kill|shoot)\b",
            r"\b(?<!se )(?:me|nos|la|lo|te|le) (?:va|van|quiere|quieren|iba) (?:a )?"
            r"(?:matar|acabar|disparar|hacer dano)\b",
            r"\bva a (?:matar|disparar|hacer dano)\b|\bquieren? matar\b|\bque me mate\b",
            r"\b(?:viene|vienen) (?:a )?(?:matar|matarme|matarnos)\b",
            r"\b(?:matarme|matarnos|me mata|los matan|lo matan|la matan|mata a mis)\b",
            r"\b(?:hoy te mueres|sigo yo|nos vemos pronto|terminar lo que empezo)\b",
            r"\bamenazo con (?:quemar|matar)\b",
        ],
        safe_cancels=True,
        court_cancels=True,
        unless_now=(_WRITTEN,),
    ),
    "near_now": Category(
        [
            r"\b" + SOMEONE + r" (?:(?:is|are|esta|estan|just|ya|right|still|now|standing|sitting|"
            r"parked|waiting|back|parado|here|aqui) ){0,3}" + HERE_PLACES + r"\b",
            r"\b(?<!not )(?<!no )(?:hes|shes|he is|she is|theyre|they are|esta|estan|someone is) "
            r"(?:right )?(?:here|aqui|aca|aki)\b",
            r"\b" + _not_after(NOT_THE_OFFENDER) + r"(?:is|are|hes|shes|theyre|esta|estan) "
            r"(?:right |still |parado |standing |"
            r"ahi |aqui )?" + HERE_PLACES + r"\b",
            r"\b(?:found me|found where i live|ya me encontro)\b",
            # "the guy who hurt my son is at my door": the offender named by what he did.
            r"\b(?:who|that|que|quien)" + gap(4) + r"(?:is|hes|esta) " + HERE_PLACES + r"\b",
            r"\b" + SEEN + " " + HERE_PLACES + r"\b",
            r"\b" + ARRIVED + r" (?:at|to|a|en|outside|afuera de|enfrente de) "
            r"(?:my|our|her|his|the|la|el|mi|mis) (?:[a-z]+ )?" + PLACES + r"\b",
            r"\b(?:is|hes|shes|esta|estan)"
            + gap(6)
            + r"(?:where i am|where we are|donde estoy|donde estamos)\b",
            r"\b(?:pulled into|pulled up|drove up|se estaciono|se metio) "
            r"(?:to |en |a )?(?:my|our|mi)\b",
            # not a knock foretold: "will they come knocking on my door"
            r"\b(?<!come )(?<!vengan )(?:banging|knocking|pounding|kicking|tocando|pateando) "
            r"(?:on )?(?:the|my|la) "
            r"(?:door|puerta)\b",
            r"\b(?:coming up the stairs|subiendo las escaleras|can hear him|lo oigo)\b",
            r"\b(?:trying to get in|tratando de entrar|quiere entrar|se quiere meter|climbing in|"
            r"se esta metiendo|se estan metiendo|se esta metiendo)\b",
            r"\b(?:5|five|cinco) (?:min|mins|minutes|minutos) away\b|\ba 5 minutos\b",
            # not the bus: "ya viene la guagua", "ya llego el camion"
            r"\b(?:on (?:his|her|their) way|ya viene|viene en camino|ya llego)\b"
            r"(?! (?:la|el|mi) (?:guagua|bus|camion|autobus|ruta|taxi|uber|raite|metro|tren)\b)",
            r"\b(?:coming back|coming) tonight\b|\bregrese en la noche\b",
            r"\b(?:parked|estacionado) (?:across|enfrente|outside|afuera)\b",
            r"\b(?:standing|parado|sitting|waiting|esperando)"
            + gap(4)
            + any_of(
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
            r"\b(?:hes|he is|shes|she is|esta|someone is) (?:waiting for|esperando a) "
            + FAMILY
            + r"\b",
            r"\b(?:rondando|merodeando|dando vueltas (?:por|a|alrededor de)|circling|prowling "
            r"around|lurking (?:around|outside)|hanging around) (?:mi|la|nuestra|my|our|the) "
            r"(?:[a-z]+ )?" + PLACES + r"\b",
            r"\b(?:forcing the lock|forzando la chapa|still inside|still out there|still outside|"
            r"sigue ahi afuera|sigue afuera)\b",
            # not into an account or a device: "got into my ring camera", "into my email"
            r"\b(?<!who )(?<!that )(?:walked|came|got|broke|just walked|just came) (?:in|into)\b"
            r"(?! (?:my |his |her )?"
            r"(?:ring|camera|cameras|phone|account|accounts|email|instagram|insta|facebook|fb|"
            r"icloud|snapchat|computer|laptop|wifi|messages|texts)\b)"
            # nor into the country: "how i got into the country", "came in on a fake passport"
            r"(?! (?:on|with|through|illegally|legally|as|the country|this country|the us|"
            r"the states)\b)",
            r"\b(?:ya )?se (?:metio|metieron) (?:a|en) (?:la|mi|nuestra) (?:casa|depa|"
            r"apartamento)\b",
            r"\bse metieron" + gap(6) + r"siguen adentro\b",
            r"\bya se (?:metio|metieron)\b(?! (?:con|en|a|al|de)\b)",
            r"\b(?:viene|vienen) (?:para|pa) (?:aca|aqui|aki|aca)\b",
        ],
        status_cancels=True,
        unless_now=(_NOT_NOW,),
        safe_cancels=True,
    ),
    "followed": Category(
        [
            # not online: "stalking my insta stories", "watching me on facebook"
            r"\b(?:" + FOLLOWING + r"|(?<!people )(?<!always )watching) (?:me|us|my|her|him)\b"
            r"(?! (?:on |from )?(?:insta|instagram|ig|facebook|fb|page|profile|stories|story|"
            r"posts|social|tiktok|snap|snapchat|online|account|accounts|twitter)\b)",
            r"\b(?:still|right|is|hes|sigue|esta|viene) (?:behind me|atras de mi|detras de mi)\b",
            r"\b(?:me|nos|la|lo) (?:viene|vienen|esta|estan|anda|andan) (?:persi|sigui)[a-z]*\b",
            r"\b(?:been following me|is following)\b",
            r"\b(?:me|nos|la|lo) (?:viene|vienen|esta|estan|anda|andan) " + SIGUIENDO + r"\b",
            r"\b(?:esta|estan|viene|vienen|anda|andan) "
            + SIGUIENDO
            + r" a (?:mi|mis|nuestr[oa]s?)\b",
            r"\bme (?:sigue|siguen|persigue|persiguen) (?:en|con) (?:su|el|un|una) "
            + VEHICLE
            + r"\b",
            r"\b(?:persigue|(?<!gente )vigilandome|(?<!siempre )me esta viendo)\b|"
            r"\bwatching me through\b",
        ],
        unless_now=(_NOT_NOW,),
        safe_cancels=True,
    ),
    "held": Category(
        [
            r"\b(?:im|i am|we are|were|she is|shes) (?:being )?(?:trapped|locked|held|tied)\b",
            r"\b(?:locked|trapped) in (?:the|a|my)\b|\blocked (?:me|us|her) in\b",
            r"\b(?:has|have|got) (?:me|us) (?:locked|trapped|tied)\b",
            r"\b(?:tied (?:me|us) up|tied my hands|holding (?:me|us|my)|smugglers holding)\b",
            r"\b(?:wont|will not|doesnt|dont) let (?:me|us|her|him|them) " + LET_OUT + r"\b",
            r"\b(?:not|isnt|wont be) letting (?:me|us|her|him|them) " + LET_OUT + r"\b",
            r"\b(?:keeping|keeps|is keeping) (?:me|us) " + KEPT_IN + r"\b",
            r"\b(?:cant|cannot|can not) get out\b(?! of (?!(?:the|this|his|my) "
            r"(?:house|room|car|apartment|bathroom|basement|truck)\b))",
            # "lo encerraron" alone is him jailed; locked in somewhere is danger
            r"\b(?:me|nos|la) encerr(?:o|aron)\b|\blo encerr(?:o|aron) en (?:un|una|el|la|su) "
            r"(?:cuarto|carro|cajuela|bodega|bano|closet|casa|troca)\b|"
            r"\b(?:me|nos) (?:tiene|tienen) (?:aqui )?a la fuerza\b",
            r"\bwont let go\b|\bagainst (?:my|her|his|our) will\b|\bcontra (?:mi|su|"
            r"nuestra) voluntad",
            r"\b(?:trying to|is|are|being) (?:kidnap|abduct)",
            r"\b(?:kidnapping|abducting) (?:me|us|my|her|him)\b",
            r"\b(?:me|nos|la) (?:tiene|tienen) (?:aqui )?(?:encerrad|amarrad|secuestrad|atrapad)",
            r"\b(?:me|nos|la|lo) (?:esta|estan) secuestrando\b|\bcasa de seguridad en\b",
            r"\b(?:estoy|estamos|esta) (?:encerrada|atrapad[oa]s?|amarrad[oa]s?)\b",
            r"\bencerrad[oa]s? en (?:un|una|el|la) (?:carro|cuarto|cajuela|bodega|bano|closet)\b",
            r"\b(?:me|nos) amarr(?:o|aron)\b",
            r"\bno (?:me|nos|la|lo) (?:deja|dejan) (?:" + LET_OUT + r"|ir|bajar|escapar)\b",
            r"\bno (?:me|nos|la|lo) (?:suelta|sueltan)\b",
            r"\b(?:no se|i dont know|dont know|idk) (?:donde|where) "
            r"(?:estoy|estamos|i am|im|we are)\b",
            r"\b(?:trunk|cajuela)\b",
            r"\b(?:me|nos|la) (?:tiene|tienen|trae|traen|lleva|llevan) (?:aqui )?en "
            r"(?:el|la|su|un|una) " + VEHICLE + r"\b",
            r"\b(?:has|have|got) (?:me|us|her) in (?:his|the|a|their) " + VEHICLE + r"\b",
            r"\b(?:no se|i dont know|idk|dont know) (?:a donde|adonde|where) (?:me lleva|nos lleva|"
            r"vamos|hes taking|he is taking|theyre taking|were going)\b",
        ],
        unless_now=(_NOT_NOW,),
    ),
    "weapon": Category(
        [
            r"\b(?:has|have|got|with|pulled|holding|pointed|pointing|brought|threatening me with|"
            r"tiene|trae|saco|sacar|con|apuntando con|agarro|grabbed|took out) "
            r"(?:a |an |his |her |the |un |una |el |la )?" + WEAPONS + r"\b",
            r"\b(?:hombre|man) armado\b|\b(?:esta|estan|viene|vienen|anda|andan) armad[oa]s?\b|"
            r"\bshots fired\b|\bbalacera\b|\bamenazando con\b",
            r"\b(?:gun pointed|cuchillo al lado|knife next to|guns? to)\b",
        ],
        unless_now=(_NOT_NOW,),
    ),
    "violence": Category(
        [
            r"\b(?:is|are|hes|shes|theyre|keeps|keep|just|wont stop|getting|being|is still) "
            + any_of(
                "hitting?",
                "beating?",
                "hurting?",
                "attacking",
                "choking?",
                "strangling",
                "stabbing",
                "shooting",
                "punching?",
                "kicking?",
                "smashing",
                "breaking(?! bad| news)",
                "throwing(?! up)",
                "burning",
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
            # not what he was arrested or convicted for: "arrested for beating me"
            # nor who it is: "my fiance is the one hitting me"
            r"\b(?<!for )(?<!of )(?<!the one )(?:hittin|beatin|chokin|strangling|punchin|attacking|"
            r"hurtin)g? " + ME + r"\b",
            r"\b(?:someone|somebody|he|they) (?:is )?(?:shooting|broke in|breaking in)\b",
            r"\b(?:trying to|tratando de|quiere|quieren) (?:break in|break into|meterse|"
            r"entrar a la fuerza)\b",
            # not the offender named by what he did: "alerts for the guy who broke into our house"
            r"\b(?<!who )(?<!that )(?:breaking|broke) (?:in|into|the window)\b|"
            r"\bbreaking everything\b",
            r"\b(?:set|setting|lit)" + gap(2) + r"on fire\b|\bpouring gas\b|\blighter to\b",
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
            r"peleando|subiendo|jalando|arrastrando|echando gasolina)\b",
            r"\b(?:me|nos) (?:estaba|estaban) (?:pegando|golpeando|ahorcando|estrangulando|"
            r"apunalando|arrastrando)\b",
            r"\b(?:no deja de pegarme|dando de golpes|dando de punaladas|se metio y)\b",
            r"\b(?:prendi(?:o|eron) fuego|esta prendiendo|hay fuego|hay humo|estamos atrapados)\b",
            r"\b(?:rompio la ventana|(?<!trabajando )(?<!trabajar )a la fuerza|"
            r"me quiere atropellar|agarro a mi|la va jalando)\b",
            r"\b(?:se llevaron a|(?:esta|anda|va) manejando borracho|esta borracho con|"
            r"borracho aventando)\b",
            r"\b(?:corto la luz|gritando mi nombre)\b",
        ],
        unless_now=(_NOT_NOW,),
        safe_cancels=True,
    ),
    "child_taken": Category(
        [
            # not the offender named by what he did: "the guy who kidnapped my brother"
            r"\b(?<!who )(?<!that )(?:took|grabbed|has|got|taking|trying to take|tried to take|"
            r"snatched|kidnapped|abducted) " + FAMILY + r"\b",
            r"\b" + FAMILY + r" (?:was|got|has been|just got|was just) (?:taken|kidnapped|"
            r"abducted|snatched)\b",
            r"\bse (?:robo|robaron) a (?:mi|mis)\b|\b(?:agarro|jalo) a (?:mi|mis) "
            r"(?:hij|nin|beb)[a-z]*\b",
            r"\b(?<!que )(?:se llevo|se llevaron|se quiere llevar|se los quiere llevar|se lo lleva|"
            r"tiene a) "
            r"(?:a )?(?:mi|mis|los|la|lo)\b",
            r"\b(?:se quieren robar a mi|se subio con mi|trying to take them)\b",
            r"\bse (?:lo|la|los|las) (?:quiere|quieren|va a|van a|esta|estan) llev",
            r"\b(?:se esta|se estan|esta|estan) llevando a (?:mi|mis|los|la|el)\b",
            r"\b(?:wont give (?:him|her|them) back|no me lo quiere dar|drove off with)\b",
            r"\b(?:took|grabbed|taken|snatched) (?:my|our) (?:[0-9]+|one|two|three|four|five) "
            r"(?:yr|year|month)s? old\b",
            r"\b(?:grabbed|took) (?:her|him|them) and (?:ran|took off|drove off|left)\b",
            r"\bse (?:acaba|acaban) de llevar a\b|\b(?:la|lo|los) agarro y (?:corrio|se fue|"
            r"se (?:la|lo|los) llevo)\b",
        ],
        unless_now=(_NOT_NOW,),
    ),
    "self_harm": Category(
        [
            r"\b(?:kill myself|kill himself|kill herself|end my life|end it all|suicid|jump off|"
            r"going to jump|gonna jump|better off dead|cant do this anymore|going to end it|"
            r"want to end it|gonna end it)",
            r"\b(?:dont|do not) (?:want to|wanna) (?:live|be alive)\b(?! " + LIVING_SO + r"\b)",
            r"\b(?:i|i just|i really) (?:want to|wanna|wana) die\b|\bi wish i (?:was|were) dead\b",
            r"\b" + HARM_MYSELF + r" myself\b",
            r"\bno " + QUIERO + r" (?:seguir )?(?:vivir|viviendo)\b(?! " + LIVING_SO + r"\b)",
            r"\b" + QUIERO + r" (?:morir|morirme|matarme|suicidarme)\b",
            r"\bme " + QUIERO + r" (?:matar|suicidar)\b|\bme voy a (?:matar|suicidar)\b",
            r"\bno " + QUIERO + r" (?:seguir |estar )?viv[oa]\b",
            r"\b(?:took|swallowed|taking|take)" + gap(6) + r"(?:pills|bottle)\b",
            r"\b(?:rope ready|wrote the note|wrote a note|wrote my note|on the bridge|overpass)\b",
            r"\boverdos",
            r"\b(?:se quiere matar|se va a matar|quitarme la vida|quitar la vida|"
            r"acabar con todo|acabar con mi vida|"
            r"aventar del puente|"
            r"tirar del puente|me voy a aventar|me voy a tirar|soga lista|sobredosis)\b",
            r"\b(?:tome|tomo|tomar|tomarme|tomarse|tomado)" + gap(6) + r"(?:pastillas|frasco)\b",
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
            r"\b(?:theres|there is|hay) (?:a lot of |so much |mucha )?(?:blood|sangre)\b",
            r"\b(?:just|acaba de|acaban de) (?:ran over|run over|atropellar|atropellaron)\b",
            r"\b(?:hurt bad|im hurt|estoy herida|estoy herido|esta herido|esta herida|"
            r"cant move|no me puedo mover|is hurt)\b",
            r"\b(?:lo|la|me) (?:apunalaron|acuchillaron)\b.*\bsangrando\b",
        ],
        unless_now=(_NOT_NOW, _COST),
    ),
    "silenced": Category(
        [
            r"\b(?:hiding|escondida|escondido) (?:in|en)\b|\b(?:me escondi|i hid|im hiding)\b",
            r"\b(?:cant|can not|cannot|no puedo) (?:talk|speak|call|hablar|escribir|llamar)"
            + gap(3)
            + r"(?:hes|he is|shes|he would|listening|hear|esta|escucha|mucho|fuerte|"
            r"out loud|not safe)\b",
            r"\b(?:he would hear me|me escucharia|whispering|hablo bajito|hes listening|"
            r"pretend im texting|hagase como)\b",
        ]
    ),
}


# "Socorro Amparo Rios": a woman's name, written as one, not a cry for help ("SOCORRO AYUDA").
_NAMED_SOCORRO = re.compile(r"\b(?:Socorro|Auxilio) (?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,}\b)")


def _search_text(text: str) -> str:
    """Folded, with a letter typed three times or more read once ("socorroooo", "heeelp"), and
    a woman named Socorro left out."""
    return unstretch(fold_phrase(_NAMED_SOCORRO.sub("", text[:MAX_CHARS])))


def danger_categories(text: str) -> list[str]:
    """The categories of present danger the text signals, in :data:`CATEGORIES` order."""
    folded = _search_text(text)
    return [name for name, category in CATEGORIES.items() if category.signalled_by(folded)]


def signals_danger(text: str) -> bool:
    """True when the text signals present danger in any category."""
    folded = _search_text(text)
    return any(category.signalled_by(folded) for category in CATEGORIES.values())
