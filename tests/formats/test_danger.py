"""The danger rules alone (no model): every emergency line of every NLU set is caught, no other
line is, each category is heard in its own words in both languages, and all of it in linear time."""

from __future__ import annotations

import pytest

from formats.danger import CATEGORIES, MAX_CHARS, danger_categories, signals_danger
from tests.bot.helpers import examples

NLU_SETS = ("data/nlu", "tests/nlu", "tests/nlu_dev")

# Written for these tests, apart from the training data: several phrasings per category, both
# languages, with the spellings people text.
BY_CATEGORY = {
    "alarm": [
        "HELP",
        "help!!!",
        "pls help me now",
        "911",
        "call 911 for me",
        "SOS",
        "auxilio!!",
        "socorro",
        "ayuda ya",
        "AYUDENME RAPIDO",
        "urgent help please",
        "necesito ayuda ahora",
        "send police now",
        "manden a la policia",
        "estoy en peligro",
        "i am in danger",
        "im not safe",
        "no estoy a salvo",
        "code red",
        "emergencia",
        "emergency please",
    ],
    "threat_to_life": [
        "he says he will kill me",
        "he texted hes gonna shoot us",
        "my ex said he'd kill me tonight",
        "he is going to kill my kids",
        "dice que me va a matar",
        "me quiere matar",
        "me dijo que viene a matarme",
        "dijo que nos va a matar a todos",
        "he threatened to burn the house down",
        "amenazo con matarme",
    ],
    "near_now": [
        "hes at my door",
        "he is outside my house right now",
        "my ex is in my driveway",
        "the man they released is at my kids school right now",
        "he is at my work",
        "hes in my backyard",
        "she is outside my apartment",
        "he's here",
        "HES HERE",
        "the guy who hurt my son is at my front door",
        "he just showed up at my job",
        "esta afuera de mi casa",
        "mi ex esta en la puerta",
        "esta aqui",
        "el hombre que soltaron esta afuera de la escuela de mis hijos",
        "ya llego y esta tocando la puerta",
        "esta en mi trabajo ahorita",
        "he found me, hes outside",
        "me encontro y esta afuera",
        # The released offender near the person or their family, as people text it.
        "the man they released is outside my house",
        "they released him and now hes outside my house",
        "he got out and hes at my house",
        "the man that was released is at my door",
        "my ex is at my kids school right now",
        "he showed up at my daughters school",
        "he is outside my kids school",
        "hes outside my work waiting for me",
        "he is in the parking lot at my work",
        "the man who hurt me is in my driveway",
        "he just pulled into my driveway",
        "he is parked across the street from my house",
        "hes parked outside my apartment again right now",
        "my ex is outside my moms house",
        "my ex is here at my house",
        "i can see him outside my window",
        "i just saw him outside my house",
        "hes banging on my door",
        "she is in my yard",
        "hes outsid my house",
        "hes outsde my door",
        "hes at my dor",
        "el que soltaron esta afuera de mi casa",
        "el que soltaron esta en la puerta",
        "el hombre que soltaron esta en la escuela de mi hija",
        "el tipo que salio de la carcel esta afuera de mi casa",
        "el tipo que deportaron regreso y esta afuera de mi casa",
        "mi ex esta afuera",
        "mi ex esta en mi trabajo",
        "esta afuera de la escuela de mis hijos",
        "esta afuera de la casa de mi mama",
        "esta estacionado enfrente de mi casa",
        "se estaciono afuera de mi casa",
        "esta en frente de mi casa",
        "lo acabo de ver afuera de mi casa",
        "esta parado afuera de mi casa",
        "esta afura de mi casa",
        "Está afuera de mi casa!!",
        "el que soltaron anda rondando mi casa ahorita",
        "hes at my kids daycare",
        "esta en la guarderia de mi hijo",
        "hes at the park where my kids are",
        "esta en el parque con mis hijos",
        "hes at my moms place",
        "esta en la esquina de mi casa",
        "hes waiting for my daughter after school",
        "esta esperando a mi hija afuera de la escuela",
        "he is near my kids school right now",
        "esta cerca de la escuela de mis hijos ahorita",
        "hes circling my house",
        # Asking about the release, but he is at one of the person's places.
        "the man they released is at my kids school right now, is he still allowed to be out?",
        "quiero saber si pueden hacer algo, el que soltaron esta afuera de mi casa",
        "can you tell me if they released him? hes outside my house right now",
        "is he out? i think i just saw him outside my job",
        "sigue detenido? porque lo vi afuera de mi trabajo ahorita",
        "me pueden decir si lo soltaron? esta en la puerta de mi casa",
        "my ex has no papers and hes at my door rn",
        # Code-switching.
        "hes outside mi casa",
        "mi ex is outside my house",
        "el esta at my door",
        "que hago esta afuera de mi casa",
        "what do i do hes outside my house",
        "hes outside if you can send someone",
        "mi ex is parked afuera",
        "ya se metio ayuda",
        "YA SE METIERON",
    ],
    "followed": [
        "someone is following me",
        "hes following me in his truck",
        "a man is chasing me",
        "he is watching me from across the street",
        "me viene siguiendo",
        "me esta siguiendo un carro",
        "me estan persiguiendo",
        "he's stalking me right now",
        "hes following me rn",
        "my ex is following my car",
        "hes following my daughter",
        "he is behind me in his car",
        "hes following me to work rn",
        "he is followin me",
        "mi ex me esta siguiendo",
        "el que soltaron me esta siguiendo",
        "me sigue en su carro ahorita",
        "esta siguiendo a mi hija",
        "un carro me viene siguiendo",
        "alguien me esta siguiendo desde el trabajo",
        "me esta sigiendo",
        "Me está siguiendo!!",
        "mi ex is following me",
        "i think he might be following me",
    ],
    "held": [
        "he locked me in the room",
        "im locked in the basement",
        "they wont let me leave",
        "i'm being held against my will",
        "he won't let me go",
        "no me deja salir",
        "me tiene encerrada",
        "nos tienen encerrados",
        "me tienen secuestrada",
        "estoy encerrada en el cuarto",
        "he tied me up",
        "they are holding me here",
        "he wont let me leave the house",
        "hes not letting me leave",
        "he is not letting me out",
        "he has me locked in the house",
        "i cant get out he locked the door",
        "hes keeping me here",
        "im trapped in the car with him",
        "he took my phone and wont let me leave",
        "no me dejan salir de la casa",
        "no me deja ir",
        "me encerro en el cuarto",
        "mi ex me tiene encerrada",
        "me tiene amarrada",
        "me tiene aqui a la fuerza",
        "estoy encerrada y no puedo salir",
        "he wont let me salir",
        "no me deja leave",
        "he has me in his truck and wont stop",
        "me tiene en la troca y no me deja bajar",
        "nos lleva en el carro no se a donde vamos",
        "idk where hes taking me",
    ],
    "weapon": [
        "he has a gun",
        "he's got a knife",
        "HE HAS A KNIFE",
        "he pulled a gun on me",
        "tiene una pistola",
        "trae un cuchillo",
        "esta armado",
        "saco una pistola",
        "he is holding a machete",
        "hombre armado afuera",
        "he grabbed a knife from the kitchen",
        "agarro un cuchillo y viene",
        "he took out a gun",
    ],
    "violence": [
        "he is hitting me",
        "hes beating my mom",
        "someone is breaking in",
        "he's choking her",
        "they are attacking my brother",
        "me esta pegando",
        "le esta pegando a mi hija",
        "estan golpeando a mi hermano",
        "he set the house on fire",
        "le prendio fuego a la casa",
        "someone is shooting at us",
        "estan disparando",
        "he broke in",
        "hes kicking the door in",
        "esta arrastrando a mi hija por la calle",
        "me estaba ahorcando y me solte",
        "nos estaban golpeando y me escape al bano",
    ],
    "child_taken": [
        "he took my son",
        "he grabbed my daughter and drove off",
        "he has my baby",
        "se llevo a mi hija",
        "se llevaron a mi nino",
        "se quiere llevar a mis hijos",
        "he's trying to take my kids",
        "he won't give her back",
        "he took my daughter",
        "he took my kids",
        "my ex took my baby",
        "the man they released took my son",
        "he just took my daughter from school",
        "he snatched my daughter",
        "my daughter was taken",
        "someone took my child",
        "se llevó a mi hijo",
        "mi ex se llevo a mis hijos",
        "se llevo a mi bebe",
        "se llevo a los ninos",
        "se robo a mi hijo",
        "agarro a mi hija y se fue",
        "HE TOOK MY SON",
        "my ex se llevo a mi hijo",
        "he took mi hija",
        "somebody just grabbed my 4 year old",
        "a lady took our two yr old from the cart",
        "a man grabbed him and took off",
        "se acaban de llevar a mi nieto",
        "lo agarro y se fue corriendo",
    ],
    "self_harm": [
        "i want to kill myself",
        "im going to end it",
        "i dont want to live anymore",
        "i took a whole bottle of pills",
        "im going to jump off the bridge",
        "me quiero matar",
        "ya no quiero vivir",
        "me tome todas las pastillas",
        "quiero acabar con mi vida",
        "voy a suicidarme",
        "i want to die",
        "i wanna die",
        "i dont want to be alive anymore",
        "i'm going to kill myself tonight",
        "im thinking about killing myself",
        "i want to end my life",
        "i want to hurt myself",
        "i want to kil myself",
        "I WANT TO KILL MYSELF",
        "me quiero morir",
        "Ya no quiero vivir.",
        "me quiero suicidar",
        "quiero morirme",
        "me voy a matar",
        "no quiero seguir viviendo",
        "ya no aguanto me quiero morir",
        "ya no quiero estar viva",
        "quiero quitarme la vida",
        "ya no qiero vivir",
        "me kiero morir",
        "i want to die ya no puedo",
    ],
    "medical": [
        "i'm bleeding",
        "she is not breathing",
        "he got shot",
        "my son just got stabbed",
        "estoy sangrando",
        "no respira",
        "we need an ambulance",
        "necesito una ambulancia",
        "le acaban de disparar a mi hermano",
        "theres blood everywhere on the kitchen floor",
        "hay mucha sangre",
        "a car just ran over my son",
        "lo acaban de atropellar",
        "there is so much blood",
    ],
    "silenced": [
        "i cant talk hes here",
        "cant talk he's listening",
        "im hiding in the closet",
        "no puedo hablar esta aqui",
        "estoy escondida en el bano",
    ],
}
# Past crimes, custody questions, tips, fears about status and everyday requests: not danger now.
NOT_DANGER = [
    # Threats and fear without present danger: a threat, answered with a person, not 911 now.
    "my ex keeps threatening me and im scared",
    "mi ex me amenaza y tengo miedo",
    "he said if i testify he will kill me",
    "me dijo que si declaro en el juicio me mata",
    "someone has been following me home every day this week",
    "im not in danger right now but he keeps texting me",
    "no estoy en peligro ahorita pero me sigue acosando",
    "my ex threatened me last year",
    "he was stabbed in 2019",
    "i was robbed at gunpoint last summer",
    "is he still locked up",
    "where is he being held",
    "sigue encerrado?",
    "is he still here",
    "is he still in jail",
    "sigue detenido",
    "can you help me",
    "i need help with my taxes",
    "necesito ayuda legal",
    "can someone help me sign up for alerts",
    "he is here illegally",
    "quiero reportar a alguien que esta aqui ilegal",
    "im scared ICE will come to my house",
    "tengo miedo que me deporten",
    "the man who killed my son was deported",
    "mataron a mi hijo hace tres anos",
    "my brother was shot and killed outside a bar in 2020",
    "how do i stop the alerts",
    "i want to talk to a person",
    "quiero hablar con alguien",
    "what services do you have for families",
    "do you have shelters in Houston",
    "my daughter needs counseling",
    "i want to register for notifications about the man who hurt me",
    "is he out of jail",
    "he got out last week",
    "cuando sale de la carcel",
    "when will he be deported",
    "can he come back after deportation",
    "thank you so much",
    "hola buenas tardes",
    "are you a robot",
    "whats the weather outside",
    "my son was killed by a drunk driver",
    "a mi esposo lo mataron en 2018",
    "i was kidnapped years ago at the border",
    "the offender is in ICE custody",
    "he is being held in an ice facility",
    "lo tienen en un centro de detencion",
    # Past events: told, not happening now.
    "he was outside my house last year",
    "he used to follow me",
    "he followed me last year",
    "me seguia el ano pasado",
    "he kept me locked in for years",
    "me tenia encerrada hace anos",
    "he took my daughter to mexico years ago",
    "se llevo a mi hija hace 5 anos",
    "se llevo a mi hijo a mexico en 2019",
    "he took my son to the doctor last week",
    # Questions about release and custody ("afuera" of jail is not outside the house).
    "was he released?",
    "was he released from jail",
    "is he out?",
    "is he out of jail yet",
    "is he outside of detention now",
    "lo soltaron?",
    "ya salio de la carcel?",
    "sigue detenido o ya esta afuera",
    "quiero saber si ya esta afuera",
    "ya esta afuera de la carcel?",
    "the man they released lives near my house",
    "he was released and lives near my kids school",
    "vive enfrente de mi casa",
    "esta afuera ya? lo soltaron?",
    "ya salio, ya esta afuera",
    # Threats and fears not happening now: report_threat, with a person, not 911.
    "he keeps threatening me",
    "tengo miedo de que salga",
    "tengo miedo que venga a mi casa cuando salga",
    "what if he shows up at my door",
    "i think he might come to my house",
    "tengo miedo de que llegue a mi casa",
    "i want a restraining order so he cant come to my house",
    # A tip naming a place is still a tip.
    "theres a guy at my work who is illegal who do i tell",
    "mi vecino de la casa de al lado no tiene papeles",
    # Feared or supposed, not happening.
    "tengo miedo de que me este esperando afuera del trabajo",
    "if he is outside my house what should i do",
    "que hago si esta afuera de mi casa",
    "what if he takes my kids",
    "y si se lleva a mis hijos",
    "im scared he will follow me home",
    # Fear about immigration status.
    "will they deport me if i call",
    "tengo miedo de la migra",
    "will ice come to my work",
    "can they take my kids if im undocumented",
    "me pueden quitar a mis hijos si no tengo papeles",
    # Custody of children (family court), not a child taken.
    "can i get custody of my kids",
    "my ex has custody of my son",
    "he has visitation with my kids",
    "he wants custody of my daughter",
    # The person's own family, or a way of living, not danger.
    "my kids are outside playing",
    "my son is at the park",
    "mi hija esta en la escuela",
    "im waiting for my daughter to get out of school",
    "vive cerca de mi casa",
    "estoy afuera",
    "i dont want to live in fear anymore",
    "no quiero vivir con miedo",
    "i dont want to live near him",
    # Words of danger about something else, over, or spoken of as a cost.
    "my dog keeps throwing up",
    "the baby keeps throwing up at night",
    "do you help pay for the ambulance",
    "the ambulance bill was huge after he stabbed me",
    "el hospital me cobro mucho porque me apunalaron",
    "since the shooting my son wont sleep",
    "desde la balacera no salimos",
    "he said hell hurt me if i tell anyone",
    "dice que me va a hacer dano si le digo a alguien lo que paso",
    "leaves notes saying hes always watching me",
    "me manda cartas que siempre me esta viendo",
    "they tied us up and took everything, the police came after",
    "se metieron, nos amarraron y se llevaron todo",
    "i got shot back in 2015 and the scar still hurts",
    "he broke into my car last halloween",
    "fue en el verano cuando se metio a la casa",
    "ya se metio con otra mujer",
    "ya se metio a la carcel otra vez",
    "si lo deportan por manejando borracho",
    "i dont want to bump into him at work without knowing hes out",
    "no quiero toparme con el en la tienda",
    "me tuvieron trabajando a la fuerza en un rancho",
    "is she still inside right, not out yet",
    "a car has been parked by my house all week watching me",
    "alguien ha estado vigilandome toda la semana",
    "todavia no estoy segura, mejor no",
    "no estoy seguro de eso",
    "ya me voy, se me va a acabar la bateria",
    "are you like 911",
    "i dont want to live worried about him anymore",
    "ya no quiero vivir preocupada por el",
    "ustedes son como el 911?",
    # A robbery told in the preterite, a day gone by, weeks of it, over and over.
    "a mi hermano lo asaltaron con navaja saliendo del trabajo",
    "nos robaron con pistola en la tienda, quiero poner la denuncia",
    "he was waiting by my car on tuesday after my shift",
    "lo vi afuera de mi trabajo el viernes",
    "three weeks of him parked across the street, what can i do",
    "i keep seeing him at the store by my apartment",
    "me lo sigo encontrando en la gasolinera de mi cuadra",
    # Still held, or sent away: the fear is of later.
    "he broke into my house, what happens when he gets out",
    "se metio a mi casa y me da miedo cuando lo suelten",
    "esta adentro desde enero, me avisan si sale?",
    "hes been locked up since june but is he still inside",
    "lo deportaron pero me sigue escribiendo que ya viene",
    "he got deported and keeps texting me hes coming back",
    # His own place, not the person's.
    "is he out? someone said hes at his moms house in another state",
    # A threat tied to the case or to cooperating with it.
    "his brother says theyll hurt my son if he testifies",
    "they said theyll hurt my dad if i keep talking to the feds",
    "dicen que van a matar a mi papa si sigo con la denuncia",
    # Online, not at the door.
    "he got into my email and reads my messages",
    "my ex got into my instagram and posts as me",
    "hes stalking my facebook from fake accounts",
    "she keeps watching my stories from a new profile",
]

# Near each new cancel, the same words said as danger now: still danger.
STILL_DANGER = [
    "lo asaltaron con pistola y ahorita sigue aqui el tipo",
    "he is outside my house right now, it was like this on tuesday too",
    "he got into my house and hes in the kitchen",
    "he broke in through the back door right now",
    "hes following me right now in a white truck",
    "hes outside my house now, he got deported but hes back",
    "he testified against me and now hes at my door with a knife",
    "hes stalking me at the mall right now",
]


@pytest.mark.parametrize("text", STILL_DANGER)
def test_danger_near_a_cancelling_word_is_still_danger(text):
    assert signals_danger(text)


def lines_of(intent_is_emergency: bool) -> list[tuple[str, str, str]]:
    return [
        (folder, intent, text)
        for folder in NLU_SETS
        for (intent, _), texts in examples(folder).items()
        if (intent == "emergency") == intent_is_emergency
        for text in texts
    ]


def test_every_emergency_line_of_every_set_is_caught_without_the_model():
    emergencies = lines_of(intent_is_emergency=True)
    assert len(emergencies) > 300
    missed = [line for line in emergencies if not signals_danger(line[2])]
    assert missed == []


def test_no_false_alarm_on_any_other_line_of_any_set():
    others = lines_of(intent_is_emergency=False)
    assert len(others) > 3000
    alarms = [(*line, danger_categories(line[2])) for line in others if signals_danger(line[2])]
    assert alarms == []


@pytest.mark.parametrize(
    ("category", "text"), [(c, t) for c, texts in BY_CATEGORY.items() for t in texts]
)
def test_each_category_in_its_own_words(category, text):
    assert category in danger_categories(text)


def test_every_category_is_tested():
    assert set(BY_CATEGORY) == set(CATEGORIES)


@pytest.mark.parametrize("text", NOT_DANGER)
def test_not_danger_now(text):
    assert danger_categories(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "HE'S HERE WITH A GUN",
        "Está afuera de mi casa",
        "ÉL TIENE UNA PISTOLA",
        "he\u2019s at my door",
    ],
)
def test_case_accents_and_apostrophes_do_not_matter(text):
    assert signals_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "socorroooo",
        "HEEELP",
        "auxiliooooo",
        "ayudaaaaaa porfavor",
        "hes outsiiiide my houseee right now",
        "tiene una pistolaaaa",
    ],
)
def test_letters_typed_over_and_over_are_read_once(text):
    assert signals_danger(text)


def test_a_danger_said_after_a_past_crime_is_still_danger():
    assert signals_danger("he stabbed my brother in 2019 and now hes outside my house")


def test_only_the_first_max_chars_are_read():
    assert not signals_danger("x " * MAX_CHARS + "help me now")
    assert signals_danger("help me now " + "x " * MAX_CHARS)
