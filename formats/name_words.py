"""The words that tell a person's name from the rest of a message, in English and Spanish.

:mod:`formats.names` finds names in free text by three signs: a lead-in ("my name is", "se
llama"), a capitalised word that is not an ordinary one, and a common first name or surname
written in any case ("my ex jose perez"). These are the word lists behind the last two, all
folded (:func:`formats.text.fold`, apostrophes removed). Plain word lists, so that a change to
the vocabulary is a change to data, reviewed as such.

- ``ORDINARY_WORDS``: words that are never taken for a name, capitalised or not: function
  words, frequent verbs and the hotline's own vocabulary in both languages. After a lead-in a
  name stops at the first of them ("my name is ana and ..."). A missing word only costs an
  ordinary capitalised word hidden as a name (the safe error).
- ``FIRST_NAMES`` and ``SURNAMES``: names common in this caseload, recognised even in lower
  case. Names that are also everyday words ("rosa", "luz", "cruz", "flores", "will", "mark",
  "socorro", which means "help!") are left out: those are found only when capitalised.
- ``TITLES``: words before a name ("Mr.", "oficial"); the word after them is a name even at the
  start of a sentence, and "Mr." does not end one.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    """
    mr mrs ms miss mister dr doctor sr sra srta senor senora senorita don dona lic licenciado
    licenciada officer oficial agent agente deputy sheriff sgt sergeant sargento detective
    judge juez jueza prof profesor profesora father padre sister hermana brother hermano
    """
)

# Abbreviations whose period does not end a sentence ("Mr. Smith", "St. Louis").
ABBREVIATIONS = _words("mr mrs ms dr sr sra srta lic sgt st ft mt jr av ave apt no")

ORDINARY_WORDS = TITLES | _words(
    """
    i im ive ill id me my mine myself you youre youve youll youd your yours yourself he hes
    him his himself she shes her hers herself it its itself we were weve well wed us our ours
    they theyre theyve theyll theyd them their theirs themselves who whom whose what which
    that thats this these those there theres here where wheres when whens why how hows whats
    whos a an the and or but nor so yet if then than because cause cuz bc as of at by for
    with without within about against between into through during before after above below
    to from up down in out on off over under again further once all any both each few more
    most other some such no not only own same too very can cant cannot could couldnt will
    wont would wouldnt shall should shouldnt may might must mustnt is isnt am are arent was
    wasnt be been being have has hasnt havent had hadnt having do does doesnt did didnt
    doing done dont just now also still even ever never always often sometimes maybe
    perhaps please pls plz thanks thank thx ty ok okay yes yeah yep yup no nope nah hi hello
    hey bye goodbye good morning afternoon evening night tonight today tomorrow yesterday
    day days week weeks month months year years hour hours minute minutes time times
    ago last next first second third new old big small little long short many much lot lots
    every everyone everybody everything someone somebody something anyone anybody anything
    nobody nothing none one two three four five six seven eight nine ten hundred thousand
    get gets got gotten getting go goes went gone going come comes came coming make makes
    made making take takes took taken taking give gives gave given see sees saw seen know
    knows knew known think thought want wants wanted need needs needed help helps helped
    helping call calls called calling text texts texted texting tell tells told say says
    said ask asks asked find found keep kept let lets put run ran leave left live lives
    lived living stay stayed work works worked working try tried trying feel felt scared
    afraid worried safe unsafe hurt hit beat killed kill die died dead alive love like
    sign signed register registered update change changed stop stopped start started
    cancel report reported reporting file filed speak talk talking hear heard read wait
    waiting send sent sending receive received check checking look looking mean means
    sorry sure right wrong true false real fake free open close closed bad better best
    worse worst hard easy important urgent emergency now soon later early late again
    back away home house apartment place address street road city county state country
    town area near nearby far here there
    police cop cops officer officers sheriff detective court courthouse judge lawyer
    attorney lawyers attorneys legal aid office agency department government federal
    immigration customs enforcement homeland security border patrol ice dhs ero uscis fbi
    jail prison detention detained detainee custody facility center centre deportation
    deported removal removed released release transfer transferred hearing case cases
    number numbers phone cell email name names victim victims family families services
    service hotline line voice vine alert alerts notification notifications message
    messages specialist advocate shelter counseling counselor therapy hospital doctor
    clinic school church work job money rent food
    husband wife ex boyfriend girlfriend partner son daughter sons daughters child
    children kid kids baby mom mother mama dad father papa brother sister brothers sisters
    uncle aunt cousin grandma grandpa grandmother grandfather neighbor neighbour friend
    friends boss man men woman women guy guys girl boy people person
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december
    english spanish ingles espanol spanglish american mexican god dios lord senor jesus
    christmas navidad easter pascua thanksgiving
    internet facebook whatsapp google
    yo mi mis me conmigo tu tus te ti contigo usted ustedes el ella ellos ellas lo la los
    las le les se su sus nos nosotros nosotras nuestro nuestra nuestros nuestras vosotros
    un una unos unas uno y e o u ni pero sino que porque pues como cuando donde adonde
    quien quienes cual cuales cuanto cuanta cuantos cuantas qu de del al a en con sin por
    para sobre entre hasta desde hacia contra segun durante tras mas menos muy mucho mucha
    muchos muchas poco poca pocos pocas todo toda todos todas nada nadie algo alguien
    ningun ninguno ninguna algun alguno alguna otro otra otros otras mismo misma este esta
    estos estas ese esa esos esas aquel aquella eso esto aqui ahi alli alla aca si no ya
    tambien tampoco solo sola siempre nunca jamas todavia aun ahora ahorita luego despues
    antes hoy manana ayer anoche noche dia dias semana semanas mes meses ano anos hora
    horas minuto minutos vez veces hola buenos buenas buen bueno buena gracias adios
    favor porfa perdon disculpe oiga mire claro okey vale
    soy eres es somos son era eras eran fui fue fueron sea estoy estas esta estamos estan
    estaba estaban estuvo he has ha hemos han habia hay haber tengo tienes tiene tenemos
    tienen tenia tuve tuvo hago hace hacen hizo hicieron hacer puedo puedes puede podemos
    pueden podria pude pudo quiero quieres quiere queremos quieren queria necesito
    necesitas necesita necesitamos necesitan necesitaba voy vas va vamos van iba fue ir
    vengo viene vienen vino venir se sabe saben sabia supe creo cree digo dice dicen dijo
    dijeron decir hablo habla hablan hablar llamo llama llaman llamar llame llamaron
    llamada llamado mando manda mandar mande mandaron pido pide pedir ayuda ayudar ayudame
    ayudenme busco busca buscar encuentro encontrar dejo deja dejar dejaron paso pasa paso
    pasar salio sale salir entro entra entrar vivo vive viven vivir trabajo trabaja
    trabajar miedo asustado asustada seguro segura peligro emergencia golpeo golpea mato
    matar amenaza amenazo amenazas sigue siguio seguir
    policia policias oficial oficiales corte juez abogado abogada abogados ayuda legal
    oficina agencia departamento gobierno federal inmigracion migracion aduanas seguridad
    nacional frontera patrulla carcel prision detencion detenido detenida custodia centro
    deportacion deportado deportada deportaron remocion liberado liberada liberaron
    soltaron traslado trasladado audiencia caso casos numero numeros telefono celular
    correo nombre nombres apellido victima victimas familia familias servicio servicios
    linea alerta alertas aviso avisos notificacion notificaciones mensaje mensajes
    especialista refugio albergue consejeria hospital doctora clinica escuela iglesia
    dinero renta comida casa direccion calle ciudad condado estado pais pueblo cerca lejos
    esposo esposa marido mujer novio novia pareja hijo hija hijos hijas nino nina ninos
    ninas bebe mama madre papa padre hermano hermana hermanos hermanas tio tia primo prima
    abuela abuelo vecino vecina vecinos amigo amiga amigos amigas jefe hombre hombres
    persona personas gente senor senora muchacho muchacha chico chica
    lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril mayo
    junio julio agosto septiembre setiembre octubre noviembre diciembre
    papeles recibir bot car carro apoyo keeps agresor papers visa registro illegal ilegal
    robot hell info saying status saber undocumented human support offender driver
    threatening verdad social deport happens deportan registration anymore chat kind updates
    datos dan bien card outside nomas lost crime around escribo asi afuera manden locked lado
    door really informacion lista tiempo order orden sistema tipo dar murio green illegally
    ilegales gonna maquina humano answer cambiar deportar drunk pin notices estatus list offer
    puerta borracho dano reportar thing end nuevo nueva exactly sirve write understand porfavor
    plan estar else moved happened system llegan mandan avisan llamadas adentro pasado
    screaming ver noches another mejor automatico language instead idioma assistance
    available sepa robaron already group gratis defensor terapia notified use changes cosas
    sueltan cel shot dejan chofer anda migra juicio pistola indocumentado indocumentada
    denunciar reading tardes escribir acaba different mal automated machine escribe
    specialists xfa walmart alien parents somewhere stuff held bond funciona significa
    llamando llego fianza registrarme remove attacked salga deporten preso presa contact doy
    trial ofrecen ayudan decide proceso volver broke gritando vengan amenazando raped murdered
    since reporto illegals workers leaving helpful adelante mind way haga computer artificial
    behind computadora respuestas entiendo hand ayude passport advice credit explain cambio
    licencia sacar compania entiende violence groups pay perdieron duelo notice until texto
    llamen cambie avisen actualizaciones pick arrested stabbed encerrado encerrada mio quit
    turn baja viejo vieja registre pays inside whole paga assaulted criminal process
    especialistas crimen across final tener asilo asking knife gun following hitting pills
    parking fire trouble bus coworker pegando cuarto siguiendo pastillas companero robbed bar
    gang mataron terrified show threats queda aterra daca trabajadores um sleep reach vemos
    termine listening parte correct ahead correcto rn olvidelo chiste dejelo actually
    automatic answers actual programa contesta respuesta maneja contestan switch ser gustaria
    used homework fast fix idea cover letter aliens ayudas pasaporte rojo tarea rapido cuesta
    llevo declarar quedo carta primero tarda useless sick driving lee domestic therapist
    rights restraining grief violencia domestica psicologo cercano hable derechos options
    funcionan tan novedades opciones horario siguen fines inscribirme exactamente using set
    lastimo ataco libre sacan offenders sacaron bajo arrestaron dieron dio moms textos
    cancelen inscripcion escribi abiertos provide alone grieving caused atacaron perdio
    familiares quede asesinaron legally asylum delito finish room holding watching beating
    walking threatened grabbed window danger truck store trailer cuchillo golpeando fuego
    fuerza esquina parada traila foto party death restaurant garage violaron asaltaron robo
    asesinado balacearon choque golpearon muerta muerto denuncie messaging neighbors diciendo
    acosa pandilla pasan matter expired affect documents igual documentos afecta permiso
    denuncio enterar vencida reporte tip cash anonymous puros contrata patron ve record data
    box po zip code codigo postal suite unit apt apartment apto depto avenue avenida road
    highway carretera colonia col
    """
)

FIRST_NAMES = _words(
    """
    jose juan luis carlos pedro miguel jorge antonio francisco manuel david daniel ricardo
    roberto fernando alejandro javier sergio eduardo mario raul oscar hector victor rafael
    ramon alberto arturo enrique gerardo guillermo martin pablo andres diego hugo ruben ivan
    adrian alfredo gustavo emilio felipe ignacio jaime joaquin julian lorenzo lucas mateo
    nicolas octavio omar rodrigo samuel vicente esteban ernesto rigoberto leonardo marcos
    gilberto humberto efrain wilfredo edgar edwin nelson mauricio fabian cristian kevin
    brayan jonathan
    maria ana carmen patricia laura isabel elena teresa lucia sofia valentina camila
    gabriela adriana alejandra andrea beatriz claudia cristina daniela diana fernanda silvia
    veronica yolanda juana josefina leticia lourdes marisol martha marta monica paola raquel
    sandra susana xochitl ximena maribel araceli esmeralda irma rocio alicia angela karla
    karen jessica jennifer brenda wendy nancy eva paula sara elsa ines lupe lupita yesenia
    yessenia marisela reyna evelyn griselda
    john james robert michael william richard joseph thomas charles christopher matthew
    anthony donald steven paul andrew joshua kenneth brian george edward ronald timothy
    jason jeffrey ryan jacob gary nicholas eric stephen larry justin brandon benjamin
    gregory raymond patrick dennis jerry tyler aaron henry peter douglas walter kyle ethan
    jeremy harold keith noah gerald carl terry sean arthur lawrence jesse dylan bryan joe
    billy bruce albert willie gabriel logan alan wayne roy ralph randy eugene vincent
    russell elijah louis bobby philip johnny mike tom dave steve chris jim bob tony danny
    jimmy tommy eddie sam ben tim
    mary jane sarah emily ashley amanda melissa michelle stephanie nicole elizabeth kimberly
    heather rebecca amy anna julia rachel megan lauren hannah olivia emma ava abigail
    madison chloe susan lisa jessica tiffany crystal kayla samantha courtney brittany
    """
)

SURNAMES = _words(
    """
    garcia rodriguez martinez hernandez lopez gonzalez gonzales perez sanchez ramirez torres
    gomez diaz morales jimenez ruiz alvarez mendoza castillo romero herrera medina aguilar
    vargas guzman munoz ortiz castro gutierrez chavez ramos vasquez vazquez dominguez ortega
    delgado salazar soto contreras rojas guerrero estrada figueroa espinoza espinosa
    sandoval cervantes navarro acosta trevino silva juarez molina nunez cortez cortes
    rosales valdez avila carrillo lara ibarra maldonado orozco padilla zamora villarreal
    velasquez zuniga escobar marquez cardenas montoya benitez calderon barrera rangel
    pacheco galvan serrano cabrera bautista meza cisneros solis lozano sosa tapia beltran
    duran mejia pineda villanueva moreno mendez alonso carrasco gallardo marin nava osorio
    ponce quiroz rivas santana suarez toledo trujillo urbina zapata aguilera arias becerra
    bernal cantu castaneda cordova escamilla esparza galindo gamez garza godinez granados
    guevara jaramillo loera lujan montano murillo olvera parra quezada renteria saldana tovar
    villegas yanez zarate salinas aguirre alvarado arellano camacho cano
    corona enriquez fernandez franco gallegos hurtado lucero macias magana montes ochoa
    olivares quintero quintana rincon robles rocha saenz valencia valenzuela velazquez
    zavala zepeda
    smith johnson williams jones miller davis wilson anderson taylor thomas moore jackson
    thompson harris clark lewis robinson walker allen wright scott adams baker nelson
    carter mitchell roberts turner phillips campbell parker evans edwards collins stewart
    morris murphy rogers morgan peterson cooper reed bailey kelly howard cox richardson
    watson brooks bennett james hughes sanders myers ross foster powell jenkins perry
    russell sullivan butler barnes fisher henderson coleman simmons patterson reynolds
    hamilton graham kim nguyen tran wallace griffin cole hayes bryant ellis stevens murray
    owens mcdonald harrison gibson kennedy
    """
)
