"""Spanish phrase patterns and guards, the counterpart of patterns.py.

Text is normalised first (lower case, accents and tildes dropped: "mañana" -> "manana"), so the
patterns are written without accents and match both spellings a hurried patient uses.
"""

from __future__ import annotations

_QUIEN = r"(?:me|le|te|se|nos|les)"
_NO_PUEDE = r"(?:no (?:puede|puedo|podia|pudo|logra|logro|alcanza a|consigue|consigo))"
_PASTILLAS = (
    r"(?:pastillas|pastilla|tabletas|pildoras|capsulas|medicina|medicinas|medicamentos?|"
    r"clonazepam|alprazolam|rivotril|xanax|paracetamol|tylenol|ibuprofeno|insulina|"
    r"opioides?|fentanilo|heroina|oxicodona|tramadol|warfarina|coumadin|anticoagulante|"
    r"pastillas? (?:para|de) (?:dormir|la presion|el corazon|la diabetes))"
)

ACUTE_ES: dict[str, tuple[str, ...]] = {
    "cardiac": (
        r"no (?:tiene|le siento|le encuentro|siento el) pulso|sin pulso|(?:haciendo|dando|le doy|"
        r"le estoy dando|empece|empezamos) (?:la )?(?:rcp|reanimacion|compresiones)",
        r"(?:indigestion|acidez|agruras)\b.{0,60}\b(?:sudando|sudor\w*)|(?:sudando|sudor\w*)\b"
        r".{0,60}\b(?:indigestion|acidez|agruras)",
        r"(?:desfibrilador|el dai) (?:me |le )?(?:dio|da|esta dando) (?:una |dos |varias )?"
        r"(?:descargas?|choques?)",
        r"dolor (?:muy )?(?:fuerte |intenso |horrible |terrible )?(?:en el|del|de|en mi) pecho",
        r"dolor toracico|diaforetic[oa]|(?:ta|presion) (?:de )?[5-8]\d ?/ ?\d\d\b|"
        r"(?:fc|pulso) (?:de )?(?:1[4-9]\d|2\d\d)\b",
        r"(?:me|le) (?:aprieta|oprime|duele|arde|quema) (?:mucho |muchisimo |horrible )?el pecho",
        r"(?:presion|opresion|peso|apreton) (?:fuerte )?(?:en el|del) pecho",
        r"(?:me|le) (?:esta dando|dio|va a dar) (?:un )?(?:infarto|paro|ataque al corazon)"
        r"(?! (?:con|de|por) (?:la|el|esta|este|tanto))",
        r"(?:el|mi|su) desfibrilador (?:me |le )?(?:dio|da|esta dando|ha dado|disparo)",
        r"dolor (?:que )?(?:se (?:va|corre|pasa|extiende|baja)|baja|corre) (?:al|hacia el|por el) "
        r"brazo izquierdo",
        r"(?:brazo izquierdo|mandibula|quijada) (?:entumid|dormid|adormecid)\w* y (?:el )?pecho",
    ),
    "stroke": (
        r"se (?:me|le) (?:durmio|adormecio|entumio|paralizo) (?:todo )?(?:el |un |medio )?(?:lado|"
        r"brazo y (?:la )?pierna)",
        r"perd\w* (?:la )?vista (?:de|en) (?:un|el|mi) ojo|(?:una )?cortina (?:negra )?"
        r"(?:en|sobre) (?:el|mi|un) ojo|como una cortina negra",
        r"(?:se (?:me|le) )?(?:cayo|torcio|desvio|chueco|ladeo) (?:la boca|la cara|un lado|"
        r"media cara|el labio|el ojo)",
        r"(?:boca|cara|sonrisa) (?:chueca|torcida|caida|ladeada|desviada|paralizada)",
        r"(?:arrastra|arrastrando|enreda|enredando|traba|trabando) (?:las )?(?:palabras|la lengua)",
        r"(?:habla|hablando) (?:raro|rarisimo|enredado|trabado|arrastrado|sin sentido|incoherente)",
        r"no (?:le|me) (?:salen|sale) las palabras",
        r"(?:se (?:me|le) )?(?:durmio|entumio|adormecio|paralizo) (?:la mitad|un lado|el lado|"
        r"media cara|la cara|el brazo|la pierna)",
        _NO_PUEDE + r" (?:mover|levantar|sentir) (?:el brazo|la pierna|un lado|el lado|la mano|"
        r"la mitad)",
        r"(?:de repente|de pronto|derrepente) (?:no (?:puede|puedo) (?:hablar|ver|caminar)|"
        r"(?:se )?(?:confundio|confundida|confundido)|veo doble|ve doble)",
        r"peor dolor de cabeza de (?:mi|su) vida",
        r"(?:le|me) (?:esta dando|dio) (?:un |una )?(?:derrame|embolia|ataque cerebral)",
    ),
    "bleeding": (
        r"acuchill\w+|apu[nñ]al\w+|(?:le|me|nos|les) dispararon|balazo|balacera|herida de "
        r"(?:bala|cuchillo|navaja)|navajazo|pu[nñ]alada",
        r"(?:popo|heces|caca|excremento|evacuaciones) (?:muy )?negr\w*\b.{0,80}"
        r"\b(?:desmay\w*|mare\w*|palid\w*)|\b(?:desmay\w*|mare\w*)\b.{0,80}\b(?:popo|heces|"
        r"caca) negr\w*",
        r"sangr(?:a|ando|e|o) (?:mucho|muchisimo|demasiado|sin parar|a chorros|un monton|"
        r"bastante y no)",
        r"no (?:para|deja|dejo|paro) de sangrar",
        r"(?:la )?sangre no (?:para|se detiene|se quita|se corta|deja de salir)",
        r"no (?:le |me |se )?(?:para|paraba|detiene|deja de salir) (?:la )?sangre",
        r"(?:sale|salia|brota|echa) (?:mucha )?sangre a chorros|a chorros",
        r"(?:vomit|tos|escup)\w* (?:con )?sangre",
        r"(?:mucha|muchisima|demasiada|un charco de|bastante) sangre",
        r"(?:coagulos|cuajarones) (?:grandes|enormes|del tamano)",
        r"(?:posos|asientos|borra) de cafe|como cafe molido",
        r"(?:empape|empapo|empapando|llene|lleno|traspase|traspaso) (?:ya )?(?:\w+ )?"
        r"(?:toallas|toallitas|panales|gasas|vendas)",
        r"hemorragia",
    ),
    "respiratory": (
        r"(?:la boca|los labios|la cara|las unas|los labiecitos) (?:se le (?:ve|ven|pone|ponen) |"
        r"(?:esta|estan|se puso|se pusieron) )?(?:medio )?(?:morad|azul)\w*",
        r"(?:se (?:esta|le esta) poniendo|se puso|se pone|esta) (?:medio )?(?:morad|azul)\w*",
        r"(?:la bomba|el inhalador|el nebulizador|el pump)\b.{0,20}\b(?:no (?:le |me )?"
        r"(?:hace nada|sirve|funciona|ayuda))",
        _NO_PUEDE + r" respirar",
        r"(?:me|le|se) (?:falta|faltaba) (?:\w+ )?(?:el )?(?:aire|aliento)",
        r"(?:no puedo|no puede|no podia) (?:terminar|acabar) (?:una|la) (?:frase|oracion)",
        r"(?:oximetro|saturacion|oxigeno|sat|spo2)\w*\s+(?:marca |en |de |esta en |esta |"
        r"dice )?(?:[1-8]\d)\b(?!\s?/|\d)",
        r"(?:me|le|se) (?:esta )?ahog(?:a|o|ando)(?! en (?:deudas|trabajo|papeles|tramites))",
        r"ahogandose|ahogandome|(?:algo|comida|un \w+) atorad[oa] en la garganta|"
        # Not "no respiro bien por la nariz": a blocked nose is the classic trap.
        r"no respiro(?: bien)?\b(?! (?:bien )?(?:por|de) la nariz)|"
        r"no (?:puede|puedo) tragar ni respirar",
        r"no (?:le|me) (?:entra|llega) (?:el )?aire",
        r"(?:se (?:esta )?(?:poniendo|puso|pone)|esta|tiene los labios) (?:morad|azul|gris)\w*",
        r"no (?:puede|puedo|podia) (?:agarrar|tomar|jalar|meter|sacar) (?:el )?aire",
        r"(?:le|me) (?:dio|esta dando) (?:un |una )?(?:ataque|crisis) de asma",
        r"(?:inhalador|bomba|bombita|nebulizador) no (?:le |me )?(?:sirve|funciona|hace efecto|"
        r"ayuda)",
        r"labios (?:morados|azules|grises)",
        r"(?:dificultad|trabajo) para respirar",
        r"respira (?:muy )?(?:rapido|raro|con dificultad|entrecortado|con mucho esfuerzo)",
        r"(?:se )?atragant(?:o|a|ando|ado|ada)",
        r"(?:no respira|dejo de respirar|casi no respira)",
    ),
    "allergic": (
        r"alergic[oa] (?:a|al|a la|a los|a las) (?:\w+ ){1,2}y (?:lo|la|los|las|se lo|se la) "
        r"(?:comio|comi|probo|tomo|bebio)",
        r"(?:se (?:me|le) (?:esta )?)?cerrando la garganta",
        r"garganta (?:cerrada|hinchada|apretada|se (?:me |le )?cierra)",
        r"cierre de (?:la )?garganta|urticaria (?:generalizada|en todo)",
        r"(?:labios|lengua|cara|ojos|boca|parpados) (?:muy )?(?:hinchad|inflamad)\w*",
        r"se (?:me|le) (?:hincho|hincharon|esta hinchando|inflamo|inflamaron) (?:la|los|el|las) "
        r"(?:cara|labios|lengua|boca|ojos|garganta|parpados)",
        r"anafila",
        r"ronchas (?:por todo|en todo|en todas)",
        _NO_PUEDE + r" tragar",
    ),
    "overdose_poisoning": (
        r"(?:tiene|tuvo|le dio|esta teniendo|hizo|le esta dando) (?:una )?sobredosis",
        r"(?:me|se) (?:tome|tomo|trague|trago|puse|puso|inyecte|inyecto) demasiad[oa]s?\b",
        r"\b(?:bebe|nin[oa]|chamo|hij[oa]|niet[oa]|nene|nena|guagua)\b.{0,40}\b(?:se comio|comio|"
        r"mordio|masco|mastico|se metio a la boca)\b.{0,30}\b(?:hojas?|planta|flor(?:es)?|bayas|"
        r"hongos?)\b",
        # Another resident's or patient's medicines given by staff.
        r"(?:le|me|nos) (?:dieron|dio|dan) (?:a (?:mi |su )?\w+ )?(?:las|los|unas|unos) "
        r"(?:pastillas|medicinas|"
        r"medicamentos|pildoras|tabletas) de otr[oa]",
        r"aceite (?:esencial )?de (?:eucalipto|menta|arbol de te|alcanfor|lavanda|pino)\b.{0,60}"
        r"\b(?:boca|tomo|trago|bebio|lamio|chupo|tosiendo)|(?:tomo|trago|bebio|lamio|chupo) "
        r"(?:\w+ ){0,3}?aceite (?:esencial )?de (?:eucalipto|menta|arbol de te|alcanfor)",
        r"\bgenerador\b.{0,100}\b(?:dolor(?:es)? de cabeza|mareado\w*|se desmayo|vomit\w*)|"
        r"(?:dolor(?:es)? de cabeza|mareados?|se desmayo)\b.{0,100}\bgenerador\b",
        r"(?:se|me) (?:tomo|tome|trago|trague|comio|comi|bebio|bebi) (?:todo el|toda la|un|una|"
        r"medio|media) "
        r"(?:frasco|caja|bote|pote|potecito|envase|tarro|botella|tira|blister|puno)",
        r"(?:(?:se|me) (?:tomo|trago|comio|tomaron)|(?:me )?(?:tome|trague|comi)) "
        r"(?:\d+|varias|muchas|todas|unas|unos|algunas|un monton de|un punado de|doble|dos veces) "
        r"(?:de )?(?:las |mis |sus )?" + _PASTILLAS,
        # The medicine named first, then "se tomo dos": two of it, not two of anything.
        r"\b" + _PASTILLAS + r"\b.{0,60}\b(?:se tomo|me tome|se trago|me trague) "
        r"(?:dos|tres|cuatro|doble|otra|las dos)\b"
        r"(?! (?:veces )?(?:al|por|cada) (?:dia|semana|noche))",
        # Swallowed believing it was something else: an accident by definition.
        r"(?:tomo|tome|bebio|bebi|trago|trague|se comio|se tomo)\b.{0,60}\b(?:creyo|crei|creia|"
        r"creyendo|pensando|penso|pense) que (?:era|eran)\b",
        # The pharmacy filled the wrong strength, and it was taken.
        r"farmacia\b.{0,80}\ben (?:vez|lugar) de\b.{0,80}\b(?:tome|tomo|tomand\w*|tomado|se tomo|"
        r"le di|le he dado)\b",
        # Several taken in place of the one prescribed: more than the dose, by mistake.
        r"(?:tome|tomo|se tomo|me tome|le di) (?:\w+ ){0,3}?(?:\d+|dos|tres|cuatro|cinco|varias) "
        r"(?:\w+ )?en (?:vez|lugar) de (?:una|uno|1|la dosis)",
        r"(?:mordio|chupo|mastico|se metio a la boca|se trago|se comio) (?:una |un |unas )?"
        r"(?:capsulas?|pastillas?|pods?|bolitas?) de (?:detergente|jabon|lavar|lavadora|ropa)",
        r"(?:se comio|se trago|comio|se metio a la boca) (?:\w+ ){0,2}?(?:hongos?|bayas|moras|"
        r"hojas|planta|semillas)\b.{0,30}\b(?:del (?:patio|jardin|parque|monte)|no se que|"
        r"desconocid)",
        r"(?:se comio|se trago|comio|ate) (?:\w+ ){0,2}?(?:gomitas|vitaminas|pastillas)"
        r"(?: de vitaminas)? (?:con|de) hierro",
        r"(?:se comio|se trago|comio|se tomo) (?:como |unas |unos |casi )?(?:\d+|varias|muchas) "
        r"(?:gomitas|vitaminas|pastillas|tabletas)",
        r"(?:me puse|se puso|le puse|le pusieron) (?:la |mi |su )?(?:insulina|inyeccion|dosis)"
        r"\b.{0,20}\b(?:dos veces|doble|otra vez)",
        r"(?:tome|tomo|se tomo|le di|le dieron) (?:la |mi |su |sus |las |mis )?(?:dosis|"
        r"pastillas?|medicinas?|" + _PASTILLAS + r") (?:doble|dos veces)|doble dosis|dosis doble",
        # Twice, said of a medicine (not of a blood-pressure reading taken twice).
        r"(?:tome|tomo|se tomo|me tome|le di|le dio|le dieron|se puso|me puse|le puse) "
        r"(?:\w+ ){0,2}?(?:dos veces|doble)\b(?! (?:al|por|cada) (?:dia|semana|noche))"
        r"(?:(?: \S+){0,3}? (?:la |el |las |los |su |sus |mi |mis )?(?:dosis|jarabe|"
        + _PASTILLAS
        + r")|(?<=doble) (?:su |mi |la |el )?\w+)",
        r"se (?:me|le) (?:paso|fue) la mano con (?:la|el|las|los|mi|su|sus)\b",
        r"\b\d+ (?:unidades )?de mas\b.{0,30}\binsulina|"
        r"\binsulina\b.{0,40}\b\d+ (?:unidades )?de mas",
        r"(?:pensando|creyendo) que (?:era|eran|es)\b",
        r"(?:rocie|rocio|me cayo|le cayo|salpico|me eche|se echo) (?:\w+ ){0,3}?(?:insecticida|"
        r"cloro|"
        r"lejia|limpiador|desengrasante|quimico|veneno|amoniaco)\b.{0,40}\b(?:cara|ojos?|boca)",
        r"(?:cloro|lejia|blanqueador|desengrasante|limpiador|quimico|gel antibacterial|alcohol|"
        r"amoniaco)\b.{0,30}\b(?:en|al|a los) (?:el |los |mi |su )?ojos?\b",
        r"(?:monoxido|alarma de co)\b.{0,60}\b(?:duele|dolor de cabeza|mare\w*|nause\w*|vomit\w*)",
        r"farmacia\b.{0,60}\b(?:equivocad[oa]|en vez de|incorrect[oa])\b.{0,60}\b(?:tome|tomado|"
        r"tomando|le di)\b",
        r"(?:le dimos|le dieron|le di|se tomo|me tome|le dio) (?:las|los|el|la) (?:pastillas|"
        r"medicinas|\w+) de (?:otra|otro) (?:senora|senor|paciente|residente|persona)",
        r"(?:(?:sin querer|por error|x error|me confundi)\b.{0,30}\b(?:tome|se tomo|le di)|"
        r"(?:tome|se tomo|"
        r"le di) "
        r"(?:sin querer|por error|x error))\b.{0,40}\bde (?:mi|su) "
        r"(?:perr\w*|gat\w*|mascota|esposo|esposa|mama|papa|abuel[oa]|herman[oa])\b",
        r"(?:mordio|mastico|comio|se comio|se trago|chupo) (?:una |unas |un )?(?:hojas?|pedazo|"
        r"bayas?|flor) de (?:la|una|mi) planta",
        r"(?:bebe|nin[oa]|hij[oa]|\d+ (?:anos|meses))\b.{0,60}\b(?:se trago|se comio|se tomo|"
        r"agarro|"
        r"mordio)\b.{0,60}\b(?:" + _PASTILLAS + r"|hierro|vitaminas)",
        r"(?:insulina|dosis|pastillas?) de mas\b|\bde mas (?:de )?(?:insulina|pastillas)",
        r"(?:otr[oa]s? (?:dos|tres|\d+|dosis|pastillas?)|de nuevo|otra vez)\b.{0,20}\b(?:sin "
        r"querer|por error|x error)",
        r"(?:le di|le dio|le dieron|le dimos)\b.{0,40}\b(?:de adulto|para adultos)",
        r"(?:tome|tomo|se tomo|me tome|le di|le dio|se comio|se trago)\b.{0,40}\b(?:del|de la|de "
        r"mi|de su) (?:perro|gato|mascota|esposo|esposa|mama|papa|abuel[oa]|herman[oa]|hij[oa]|"
        r"ti[oa]|suegr[oa]|companer[oa])\b.{0,40}\b(?:por error|x error|sin querer|ademas de)",
        r"mezcl\w* (?:el )?cloro (?:con|y) (?:el )?(?:amoniaco|vinagre|acido|otro)",
        r"(?:tomo|bebio|trago|tome|bebi|se tomo|se bebio|se trago|se comio) (?:\w+ ){0,3}?"
        r"(?:cloro|blanqueador|veneno|detergente|insecticida|raticida|anticongelante|gasolina|"
        r"limpiador|destapacanos|acido|pila|bateria|limpiavidrios|desinfectante|pinol|"
        r"fabuloso|lejia|thinner|aguarras|queroseno|kerosene|aceite de lampara|combustible|"
        r"enjuague bucal|alcohol (?:de curar|isopropilico|etilico)|desengrasante)",
        r"intoxicad|envenenad",
        # A pet's pill, or the wrong bottle, taken by a person.
        r"(?:tome|me tome|se tomo|trague|me trague|se trago) (?:la |las |una |unas |el |los )?"
        r"(?:pastillas?|medicinas?|tabletas?|capsulas?|medicamentos?) (?:del|de la|de mi|de su) "
        r"(?:perr\w*|gat\w*|mascota)",
        r"(?:me equivoque|se equivoco|me confundi|se confundio) de (?:frasco|pastilla|medicina|"
        r"bote|pote|caja)\b.{0,40}\b(?:tome|me tome|se tomo|le di|trague)|frasco equivocado",
        # More of one's own medicine than prescribed.
        r"(?:tome|me tome|se tomo|le di|le dio) (?:\w+ ){0,2}?(?<!vitamina )(?<!vitaminas )de mas\b"
        r"(?! (?:tiempo|temprano))",
    ),
    "seizure": (
        r"(?:esta|estan|sigue|empezo a) convulsionando|convulsiona(?:ndo)?\b",
        r"(?:le|me) (?:dio|esta dando|dieron) (?:un |una |otro |otra )?(?:ataque|crisis|"
        r"convulsion)(?!s? de (?:risa|panico|ansiedad|tos|nervios|asma|colera))",
        r"ataque epileptico",
        r"(?:una )?convulsion tras otra|una tras otra sin despertar|crisis tonico.?clonica",
        r"ojos (?:en blanco|volteados|para arriba|hacia arriba)",
        r"(?:echando|saca|sacando) espuma por la boca",
        r"(?:temblando|sacudiendose|se sacude) (?:todo|toda|sin control)",
    ),
    "unconscious": (
        r"inconsciente|inconsiente|inconciente|incosciente",
        r"no (?:despierta|reacciona|responde)(?! (?:a (?:los|las|el|la) (?:mensajes|correos|"
        r"llamadas|tratamiento|medicina|antibioticos)|los mensajes))",
        r"(?:se desmayo|perdio el conocimiento|se desvanecio|se cayo) y (?:no|ya no)",
        r"no (?:lo|la|los) (?:puedo|podemos) despertar",
        r"no se despierta|muy flojit[oa]|no (?:se mueve|habla) ni (?:habla|se mueve)",
    ),
}

SELF_HARM_ES: tuple[str, ...] = (
    # A plan made, or a last request: said inside an errand.
    r"ya (?:lo )?tengo todo (?:planeado|decidido|pensado)\b",
    r"(?:es )?lo ultimo que (?:les |te |le )?(?:voy a|vaya a|van a) (?:pedir|molestar)",
    r"(?:quiero|ganas de|pienso en|me dan ganas de) (?:\w+ ){0,2}(?:estrellar|chocar|aventar) "
    r"(?:el|mi) (?:carro|coche|auto|camioneta)",
    r"suicid",
    r"(?:quitarme|quitarse|acabar con) (?:la|mi|su) vida",
    r"(?:me quiero|quiero|queria|ganas de) (?:morir|matarme|morirme|desaparecer para siempre)"
    r"(?! de (?:la )?(?:risa|hambre|sueno|frio|calor|verguenza|aburrimiento|nervios|ganas))",
    r"\bmatarme\b|\bme (?:quiero|voy a|quisiera|pienso) matar\b",
    # Said of someone else: "dice que se va a matar", "amenaza con matarse".
    r"\bmatarse\b|\bse (?:quiere|va a|queria|iba a|piensa|quiso|intento) matar\b"
    r"(?! (?:con|en) (?:esa|ese|esta|este|la|el) (?:moto|carro|coche|bici\w*|trabajo|chamba))",
    r"cortar(?:me)? las (?:venas|munecas)",
    r"no quiero (?:vivir|seguir viviendo|despertar|seguir aqui|estar aqui|existir)",
    r"ya no quiero (?:seguir|estar|vivir)",
    r"(?:hacerme|me hago|me hice) dano|"
    r"(?:me quiero|quiero|me voy a|voy a|pienso) hacer(?:me)? dano",
    r"(?:cortarme|me corto|me corte) (?:las venas|los brazos|las munecas|otra vez|de nuevo)",
    r"(?:me estoy|estoy) (?:cortando|lastimando|haciendo dano)\b",
    r"(?:este es|esta es|este sera) mi ultimo mensaje",
    r"(?:juntando|guardando|ahorrando|acumulando|junte|guarde) (?:mis |las |todas las |unas )?"
    r"(?:pastillas|tabletas|medicinas|pildoras)",
    r"(?:las|los) (?:estoy|he estado|ando|sigo) (?:juntando|guardando|ahorrando|acumulando)",
    r"(?:cuant[oa]s?|que cantidad de) (?:\w+ ){0,4}(?:para|se necesitan para|hacen falta para|"
    r"necesito para) (?:morir|no despertar|matar|quedarme dormid|dormir para siempre)",
    r"(?:dosis|cantidad) (?:letal|mortal)",
    r"(?:me|se|te) (?:quedo|quedaria|queda|quede|va a quedar|voy a quedar) dormid[oa] para "
    r"siempre|(?:dormir|dormirme|quedarme dormid[oa]) para siempre",
    r"(?:carta|cartas|mensaje) de despedida|(?:me )?(?:estoy )?despidiendo de (?:todos|ustedes)",
    r"no (?:creo que )?(?:me )?(?:vuelvan|volveran|van a volver) a (?:ver|saber de mi)|"
    r"(?:ultima vez|ultimo mensaje) que (?:me )?(?:van a )?(?:ver|saber|oir|escuchar)",
    # A question about an amount of pills "for someone", then said to be for oneself.
    r"(?:pastillas|tabletas|pildoras|\d+)\b.{0,80}\b(?:pregunto por mi|es para mi|lo pregunto "
    r"por mi)|(?:pills|tablets|\d+)\b.{0,80}\b(?:asking for (?:myself|me)|(?:it'?s|its) for me)\b",
    r"(?:mejor|estarian mejor) sin mi",
    r"soy (?:una )?carga",
    r"acabar con todo|terminar con todo",
    r"(?:tirarme|aventarme|lanzarme) (?:de|del|desde|al|a las vias|frente)",
    r"colgarme|ahorcarme",
    r"(?:escond\w+|guardaba|juntaba) (?:sus|mis|las) (?:antidepresivos|pastillas|medicinas|"
    r"tabletas|pildoras)",
    r"si me (?:tomo|trago|tomara|tragara) (?:todas|todo|el frasco|la caja|\d+)\b.{0,50}\b(?:me "
    r"muero|moriria|me moriria|me mataria|no despertaria|no me despertaria)",
    r"(?:cuanto tarda|cuanto tiempo tarda|en cuanto tiempo)\b.{0,40}\bsobredosis|sobredosis\b"
    r".{0,40}\b(?:matar|morir|mata|muere|indolora|sin dolor)",
    r"ya no me (?:van|vas) a (?:tener que )?ver\b",
    r"(?:dosis|cantidad)\b.{0,30}\b(?:es |seria |sea )?(?:letal|mortal)",
    r"para no (?:volver a )?despertar|y no despertar|no despertar (?:mas|nunca)",
    r"(?:toma|tomo|trago|tomara)\b.{0,40}\b(?:\d\d+|todas|todo el frasco)\b.{0,40}\b(?:se muere|"
    r"muere|moriria|me muero|sufre)",
    r"me corte\b.{0,30}\b(?:me tome|pastillas)",
    r"si me (?:tomo|trago|tomara) (?:todo el|toda la|el) (?:frasco|bote|caja|envase)|si me "
    r"(?:tomo|trago) todas (?:las|mis)",
    r"(?:msj|mensajito|texto|nota) de despedida",
    r"(?:esta|este) es mi despedida|mi (?:ultima )?despedida (?:de|para) (?:todos|ustedes|ti)",
    r"(?:despues|luego) (?:ya )?no (?:voy a|vaya a|voy a volver a) necesitar (?:nada|mas|ninguna)",
    r"perdon(?:ame|enme)? por todo\b.{0,60}\bte (?:quiero|amo)|\bte (?:quiero|amo)\b.{0,40}"
    r"\bperdon(?:ame|enme)? por todo",
    r"que pasa si (?:alguien|uno|una persona|me|se) (?:se )?(?:toma|tomo|traga|trago) (?:\d\d+|"
    r"todas|"
    r"todo el)",
    r"\b(?:mata|matan|te mata|me mata)\b (?:rapido|rapidamente)|(?:cloro|veneno|pastillas)\b.{0,30}"
    r"\bmata\b.{0,20}\bsi (?:te|me|se) (?:lo|la|las) (?:tomas|tomo|toma)",
    r"(?:encerrar(?:me)?|meterme) en el (?:carro|coche|auto|garaje)\b.{0,40}\b(?:motor|prendido|"
    r"encendido)",
    r"no (?:vale|tiene) (?:la pena|sentido) (?:vivir|seguir)",
)

CUES_ES: dict[str, tuple[str, ...]] = {
    "cardiac": (r"infarto", r"ataque al corazon", r"\bpecho\b", r"corazon (?:acelerado|a mil)"),
    "stroke": (r"derrame", r"embolia", r"entumid|adormecid", r"confundid"),
    "bleeding": (r"sangr", r"\bsangre\b"),
    "respiratory": (r"respirar|respiracion", r"\baire\b", r"asma|silbido"),
    "allergic": (r"alergi|reaccion alergica", r"ronchas|hinchazon"),
    "overdose_poisoning": (
        r"sobredosis",
        r"veneno|intoxic",
        r"\b(?:tomo|tome|se tomo|se trago|le di|se comio)\b.{0,40}\b(?:de golpe|de una vez|"
        r"por error|sin querer|(?:\d+|dos|tres|varias) (?:dosis|pastillas|tabletas|dias))\b",
    ),
    "seizure": (r"convulsi|epileps",),
    "unconscious": (r"desmay|desvanec",),
    "self_harm": (
        r"ya (?:lo )?(?:decidi|tome la decision)",
        r"cuid(?:en|a|ar|e) (?:a |de )?mi (?:perr\w*|gat\w*|mascota|hij[oa]s?)",
        r"no (?:puedo|aguanto) (?:mas|seguir)|ya no (?:puedo|aguanto)"
        r"(?! (?:a|al|el|la|los|las|mi|mis|este|esta|con|tanto)\b)",
        r"sin (?:esperanza|salida)|no hay salida|nada tiene sentido|no valgo nada",
        r"(?:cuando|si) ya no (?:este|estoy)|cuando me (?:vaya|haya ido)",
        r"regal(?:ar|ando|e) (?:todas )?mis cosas",
        r"ya (?:tome|tomé) (?:la|una) decision",
        r"\ba proposito\b|\badrede\b|tengo un plan",
        r"gracias por todo\b.{0,80}(?:adios|ya no (?:voy a )?necesit|regal)",
        # Ending everything and not coming back, with thanks: a farewell until asked.
        r"(?:no (?:voy a|vuelvo a|pienso) volver(?! a (?:esa|esta|la|su|ese|este|sus|el)\b)|"
        r"no me (?:van a )?(?:volveran a )?ver)\b.{0,60}"
        r"gracias por todo|gracias por todo\b.{0,60}no (?:voy a|vuelvo a) volver",
    ),
}

CAUSES_ES: dict[str, str] = {
    "allergic": r"\b(?:(?<!para la )(?<!para )alergi\w*|alergic\w*|cacahuate|mani|nueces|"
    r"mariscos|camaron|abeja|avispa|"
    r"picadura|pico)\b",
    "overdose_poisoning": r"\b(?:sobredosis|veneno\w*|intoxic\w*|cloro|heroina|fentanilo|"
    r"opioides?)\b",
}

ACUTE_CONTEXT_ES = (
    r"\b(?:ahorita|ahora mismo|en este momento|ahorita mismo|ya no para|no para|sigue|"
    r"empeora|cada vez peor|ayuda|auxilio|ambulancia|911|emergencia|urgente|rapido|"
    r"se esta muriendo|no responde|no despierta)\b"
)

# Guards: the Spanish alternatives of scan.py's English ones.
NEGATION_ES = r"no|nunca|sin|ni|tampoco|ningun|ninguna|nada de|niega|niegan|nego"
# "no puede hablar" is a symptom, not a denial of the words after it.
PSEUDO_NEGATION_ES = (
    r"no se|no estoy segur\w*|no se si|ni idea|no para|no deja|"
    # "sin querer" is "by accident", not a denial.
    r"sin querer|sin darme cuenta|sin darse cuenta|sin fijarme|sin fijarse|"
    # "comí sin saber": without knowing what was in it, not without the symptom.
    r"sin saber(?:lo)?|sin pensar|sin leer|sin ver|sin revisar|"
    r"no (?:puede|puedo|pudo|podia|logra|le sale|le salen|le entra|me entra)"
)
PAST_TIME_ES = (
    r"hace (?:\d+|un|una|dos|tres|cuatro|cinco|seis|unos|unas|varios|varias|muchos|muchas) "
    r"(?:anos?|meses|mes|semanas?)|(?:el|la) (?:ano|mes|semana) pasad[oa]|"
    r"(?:de|cuando era) (?:nin[oa]|chic[oa]|joven|bebe|adolescente)|en (?:19|20)\d\d|"
    r"(?:el|en) (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre)(?: pasado)?|cuando tenia \d+ (?:anos|meses)|ayer|anteayer|"
    r"hace (?:\d+|dos|tres|cuatro|unos|varios) dias|fui (?:a|al) (?:emergencias|urgencias|la "
    r"sala de emergencias|hospital|el hospital)\b(?=.{0,30}\b(?:por|x)\b)"
)
PAST_VERB_ES = r"tuve|tuvo|tuvimos|sufri|sufrio|me dio|le dio|me diagnosticaron|estuve|estuvo"
PRESENT_ES = (
    r"ahorita|ahora|ahora mismo|en este momento|hoy|esta (?:manana|tarde|noche)|todavia|"
    r"sigue|acaba de|de repente|de pronto|hace (?:\d+|unos|un par de|un) (?:minutos?|min|rato)|"
    r"desde hace (?:una|\d+|unas|un par de|media) (?:hora|horas|minutos|rato)|"
    r"desde (?:hoy|anoche|esta manana|ayer)|sin parar|no para de|me falta|le falta|no puedo|"
    r"no puede|se esta|me esta|le esta|esta \w+ndo|estoy \w+ndo|estamos \w+ndo|cada (?:hora|rato)"
)
RESOLVED_ES = (
    r"ya (?:estoy|esta|estamos) bien|ya (?:se le )?(?:paso|quito|se me quito)|ya paro|"
    r"(?:hoy|ahorita|ahora) (?:esta|estoy|estamos) bien|no (?:me|le) paso nada|"
    r"(?:dijeron|me dijeron|nos dijeron|dicen) que (?:esta|estara|va a estar) bien|"
    r"ya (?:esta|estan) (?:riendo|riendose|jugando|comiendo)|tosio y (?:la|lo) (?:saco|escupio)"
)
INFORMATIONAL_ES = (
    r"(?:sintomas|senales|signos|causas) de|como (?:se|sabe|saber|reconozco|reconocer|puedo "
    r"saber)|que (?:hago|hacer|debo hacer|se hace|hay que hacer) (?:si|en caso|cuando)|"
    r"en caso de|que es (?:un|una|el|la)|cual es la dosis (?:maxima|normal|"
    r"recomendada)|(?:dan|tienen|ofrecen) (?:clases|cursos|talleres)|"
    r"cuant[oa]s? .{0,40}(?:es|seria|causa|se considera) (?:una )?sobredosis|"
    r"es (?:peligroso|seguro|malo) (?:tomar|mezclar|combinar|dar)|es (?:verdad|cierto) que|"
    r"para (?:mi )?(?:clase|tarea|examen|ensayo|escuela)|"
    r"cuant[oa]s? .{0,40}(?:puedo|se puede|debo|puede) (?:tomar|dar)|me (?:la|lo|las) tomo "
    r"(?:ahorita|ahora|ya) o|plan de (?:anafilaxia|emergencia|alergia|accion)|"
    r"estudiante de (?:medicina|"
    r"enfermeria)|estudiando para (?:el|un|mi) (?:examen|parcial)"
)
IDIOM_ES = (
    r"me muero de (?:hambre|sueno|risa|ganas|frio|calor|verguenza|aburrimiento|nervios)|"
    r"(?:me|nos) (?:va a dar|dio|da) (?:un )?(?:infarto|ataque|algo) (?:con|de|por|cuando)|"
    r"(?:con|por) (?:estos|estas|este|esta|tanto|tanta|tantos|tantas) \w+\b.{0,30}\bme va a dar "
    r"(?:un|el) (?:infarto|ataque|soponcio|patatus)|"
    r"me mata(?:n)? (?:la|el|los|las|esta|este|tanta|tanto)|me desangran|"
    r"(?:me|nos) esta(?:n)? matando|"
    r"muert[oa] de (?:cansancio|risa|hambre|sueno)|me ahogo en (?:deudas|trabajo|papeles)|"
    r"(?:esta|estoy) que me muero|(?:el |este |tanto )?(?:calor|trabajo|deudas?|tarea|estres|"
    r"papeleo) (?:me|nos) (?:esta|estan) ahogando"
)
DEVICE_ES = (
    r"(?:app|aplicacion|pagina|portal|cuenta|telefono|celular|computadora|sistema|impresora|"
    r"internet|carro|coche|bateria|pantalla)\b[^,.]{0,25}$"
)
MILD_ES = (
    r"(?:un poco|poquito|poquita|leve|ligero|ligera|algo de|tantito|un poquito)\W+(?:\w+\W+){0,2}$"
)
ADMIN_ES = (
    r"cita|consulta|agendar|cancelar|reprogramar|resurtir|surtir|resurtido|receta|"
    r"medicamento|seguro|aseguranza|cobertura|farmacia|refill"
)
