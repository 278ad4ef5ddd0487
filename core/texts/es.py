"""Spanish (Latin American, formal "usted"): the same keys as en.py."""

from __future__ import annotations

from datetime import date, datetime

_911 = "Llame al 911 ahora mismo."
_ALERT = "Estoy avisando a nuestro equipo clínico."
_988 = (
    "Llame o envíe un mensaje de texto al 988, la Línea de Prevención del Suicidio y Crisis, a "
    "cualquier hora (oprima 2 para español)."
)
_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def day(d: date) -> str:
    return f"el {_WEEKDAYS[d.weekday()]} {d.day} de {_MONTHS[d.month - 1]}"


def when(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    half = "a. m." if dt.hour < 12 else "p. m."
    at = "a la" if hour == 1 else "a las"
    return (
        f"el {_WEEKDAYS[dt.weekday()]} {dt.day} de {_MONTHS[dt.month - 1]} "
        f"{at} {hour}:{dt.minute:02d} {half}"
    )


TEXTS: dict[str, str] = {
    "guidance.cardiac": (
        f"Esto puede ser un infarto. {_911} Deje toda actividad y descanse mientras espera; "
        f"la operadora puede indicarle masticar una aspirina. {_ALERT}"
    ),
    "guidance.stroke": (
        f"Estas pueden ser señales de un derrame cerebral. {_911} Anote la hora en que empezaron "
        f"los síntomas, porque el tratamiento depende de ello. No le dé comida, bebida ni "
        f"medicamentos. {_ALERT}"
    ),
    "guidance.bleeding": (
        f"Un sangrado fuerte es una emergencia. {_911} Presione firmemente la herida con un "
        f"paño limpio y no deje de presionar para mirar. {_ALERT}"
    ),
    "guidance.respiratory": (
        f"La dificultad para respirar es una emergencia. {_911} Siéntese derecho, afloje la ropa "
        f"y use el inhalador de rescate si tiene uno recetado. Si alguien se está atragantando y "
        f"no puede hablar, dé golpes firmes en la espalda y compresiones abdominales. {_ALERT}"
    ),
    "guidance.allergic": (
        f"Esto puede ser una reacción alérgica grave (anafilaxia). {_911} Use ahora el "
        f"autoinyector de epinefrina (EpiPen) si tiene uno recetado, aunque los síntomas parezcan "
        f"mejorar. {_ALERT}"
    ),
    "guidance.seizure": (
        f"{_911} Retire los objetos duros, proteja la cabeza y ponga a la persona de lado. No la "
        f"sujete ni le ponga nada en la boca. Tome el tiempo que dura la convulsión. {_ALERT}"
    ),
    "guidance.unconscious": (
        f"Una persona que no despierta necesita ayuda ya. {_911} Revise si respira; si no "
        f"respira, la operadora le guiará para hacer RCP. {_ALERT}"
    ),
    "guidance.overdose": (
        f"Esto puede ser una sobredosis o intoxicación grave. {_911} Si pudiera tratarse de un "
        f"opioide y tiene naloxona (Narcan) a mano, úsela. Ponga a la persona de lado y no la "
        f"haga vomitar. {_ALERT}"
    ),
    "guidance.poison_control": (
        "Esto puede ser una intoxicación o una sobredosis. Llame ahora al Centro de Toxicología "
        "(Poison Control) al 1-800-222-1222 (gratis, 24 horas, con intérpretes): le dirán "
        "exactamente qué hacer. Llame al 911 de inmediato si la persona se desmaya, convulsiona, "
        "tiene dificultad para respirar o no despierta. No la haga vomitar y tenga a mano el "
        f"envase o frasco de pastillas. {_ALERT}"
    ),
    "guidance.swallowed_battery": (
        "Una pila de botón o un imán tragados pueden quemar o perforar el intestino en pocas "
        "horas, aunque el niño se vea bien: vaya ahora mismo a la sala de emergencias más "
        "cercana. Llame en el camino al Centro de Toxicología (Poison Control) al "
        "1-800-222-1222, y al 911 si hay dificultad para respirar, babeo, vómito o dolor. No "
        f"le provoque el vómito. {_ALERT}"
    ),
    "guidance.self_harm": (
        "Gracias por decírmelo; usted merece apoyo ahora mismo. "
        f"{_988} Si está en peligro inmediato o ya tomó algo, llame al 911 ahora. ¿Está a salvo "
        "en este momento? Si puede, quédese con alguien de confianza y mantenga lejos las "
        "pastillas o armas. Estoy avisando a nuestro equipo clínico para que una persona se "
        "comunique con usted."
    ),
    "guidance.check_in": (
        "Quiero preguntarle cómo está, porque lo que escribió importa. ¿Está pensando en hacerse "
        f"daño o en quitarse la vida? Si es así, o si no está seguro, {_988[0].lower()}"
        f"{_988[1:]} Si está en peligro ahora, llame al 911. Voy a avisar a nuestro equipo "
        "clínico para que alguien se comunique con usted."
    ),
    "guidance.default": (
        "Esto puede ser una emergencia médica. Llame al 911 ahora o vaya a la sala de "
        f"emergencias más cercana. No espere a una cita. {_ALERT}"
    ),
    "reply.failure": (
        "Lo siento, algo salió mal al atender su solicitud y no se cambió nada más allá de lo "
        "que le he confirmado. Inténtelo de nuevo o llame a la clínica."
    ),
    "reply.not_covered": (
        "Lo siento, nuestra base de conocimientos no cubre esa pregunta, así que prefiero no "
        "adivinar. Puede preguntarme por horarios, sedes, seguros, resurtidos o citas, o llamar "
        "a la clínica para hablar con nuestro personal."
    ),
    "reply.part_not_covered": (
        "Nuestra base de conocimientos no cubre esta parte de su pregunta, así que prefiero no "
        "adivinar: «{question}»"
    ),
    "reply.indexing": (
        "La información de la clínica se está actualizando en este momento, así que todavía no "
        "puedo consultarla. Pregunte de nuevo en un minuto o llame a la clínica."
    ),
    "reply.capabilities": (
        "Puedo agendar, cancelar o consultar sus citas, buscar horarios disponibles, revisar su "
        "seguro, pedir resurtidos de recetas y responder preguntas sobre la clínica."
    ),
    "reply.out_of_scope": "Lo siento, con eso no puedo ayudarle aquí. {capabilities}",
    "reply.hello": "¡Hola! {capabilities}",
    "reply.welcome": "¡Con gusto! ¿Le puedo ayudar con algo más?",
    "reply.goodbye": "¡Hasta luego, cuídese!",
    "reply.clarify": "Para estar seguro: ¿quería {options}?",
    "reply.couldnt_complete": "No pude completar esa solicitud. ¿Podría decirlo de otra forma?",
    "reply.budget_refusal": (
        "El asistente de la clínica alcanzó su límite de uso mensual, así que ahora no puedo "
        "escribir una respuesta completa. Llame a la clínica y nuestro personal le ayudará."
    ),
    "reply.source": "Fuente",
    "reply.no_open_time": (
        "No encontré horarios libres en ese momento. ¿Le sirve otro día u otro profesional?"
    ),
    "intent.book_appointment": "agendar una cita",
    "intent.cancel_appointment": "cancelar una cita",
    "intent.reschedule_appointment": "cambiar una cita de fecha",
    "intent.list_appointments": "ver sus citas",
    "intent.check_availability": "buscar horarios disponibles",
    "intent.check_insurance": "revisar su seguro",
    "intent.prescription_refill": "pedir un resurtido de receta",
    "intent.schedule_callback": "que alguien le llame",
    "intent.knowledge_question": "hacer una pregunta sobre la clínica",
    "intent.greeting": "solo saludar",
    "intent.human_handoff": "hablar con una persona",
    "confirm.one": (
        "Por favor confirme: ¿{steps}? Responda sí para confirmar, o no para dejarlo como está."
    ),
    "confirm.many": (
        "Por favor confirme, en este orden: ¿{steps}? Responda sí para confirmar, o no para "
        "dejarlo como está."
    ),
    "confirm.declined": "De acuerdo, no voy a {steps}. No se cambió nada.",
    "confirm.expired": (
        "Esa solicitud venció, así que no se cambió nada. Si todavía quiere {steps}, pídamelo "
        "de nuevo."
    ),
    "confirm.ok": "De acuerdo.",
    "outcome.failed": "No pude {step}: {why}",
    "outcome.skipped": "Por eso no hice lo siguiente: {steps}.",
    "outcome.nothing_else": "No se cambió nada más.",
    "outcome.nothing": "No se cambió nada.",
    "word.or": "o",
    "word.that_provider": "ese profesional",
    "word.first": "primero",
    "word.then": "luego",
    "step.cancel": "cancelar {which}",
    "step.move": "cambiar {which} para {when}",
    "step.book_with": "agendar una cita con {provider} {when}",
    "step.book": "agendar una cita {when}",
    "step.callback": "que la clínica le llame {when}",
    "step.refill": "pedir un resurtido de {medication}",
    "step.refill_unnamed": "pedir un resurtido de receta",
    "step.handoff": "pasar su solicitud a una persona de la clínica",
    "step.your_appointment": "su cita con {provider} {when}",
    "step.patient_appointment": "la cita del paciente #{patient} con {provider} {when}",
    "step.appointment_id": "la cita #{id}",
    "step.time_tbd": "en un horario por acordar",
    "step.for_patient": "{step} para el paciente #{patient}",
    "step.get_appointments": "consultar sus citas",
    "step.get_availability": "buscar horarios disponibles",
    "step.check_insurance": "revisar su seguro",
    "step.get_clinic_contact": "darle los teléfonos de recepción",
    "step.search_knowledge_base": "buscarlo en nuestros artículos",
    "ask.callback_time": "¿Cuándo le llamamos? Por ejemplo: mañana a las 10 a. m.",
    "ask.which_patient": (
        "¿Para qué paciente es? Indique el nombre con que está registrado o envíe su patient_id."
    ),
    "ask.which_patient_of": "¿A qué paciente se refiere: {options}?",
    "ask.which_provider": "¿Con qué profesional quiere consultar: {names}?",
    "ask.provider_unknown": (
        "No encontré a {said} en esta clínica, así que no agendé nada. Nuestros profesionales "
        "son: {names}. ¿Con quién quiere consultar?"
    ),
    "ask.rephrase": "No estoy seguro de qué acción necesita. ¿Podría decirlo de otra forma?",
    "ask.did_you_mean": "¿Se refiere a {options}?",
    "ask.no_rx": "No veo ninguna receta activa en su expediente.",
    "ask.refill_which": "¿Qué medicamento quiere resurtir: {options}?",
    "ask.rx_not_on_file": (
        "No veo {said} entre sus recetas activas, así que no pedí nada. En su expediente: "
        "{options}. ¿Cuál necesita, o prefiere que consulte a la clínica sobre {said}?"
    ),
    "ask.no_upcoming": "No tiene citas próximas que {verb}.",
    "ask.appt_not_found": (
        "No encontré una cita próxima así. Tiene: {listing}. ¿Cuál quiere {verb}?"
    ),
    "ask.appt_provider_not_found": (
        "No veo una cita próxima con {said}. Tiene: {listing}. ¿Cuál quiere {verb}?"
    ),
    "ask.which_appt": "¿Qué cita quiere {verb}? {listing}",
    "ask.listing_item": "#{id} con {provider} {when}",
    "verb.cancel": "cancelar",
    "verb.move": "cambiar",
    "verb.change": "modificar",
    "tool.booked": "Listo: tiene cita con {provider} {when}.",
    "tool.booked_at": "Listo: tiene cita con {provider} en {site} {when}.",
    "tool.cancelled": "Su cita con {provider} {when} quedó cancelada.",
    "tool.moved": "Listo: su cita con {provider} ahora es {when}.",
    "tool.callback_done": "Listo: la clínica le llamará {when}.",
    "tool.no_upcoming": "No tiene citas próximas.",
    "tool.upcoming": "Sus próximas citas:",
    "tool.upcoming_line": "- {when} con {provider}",
    "tool.no_slots": "No encontré horarios libres en ese momento. ¿Le sirve otro día?",
    "tool.slots": "Estos son los próximos horarios libres:",
    "tool.slots_line": "{n}. {provider}: {when}",
    "tool.slots_pick": "¿Cuál prefiere?",
    "tool.no_insurance": "No veo ningún seguro en su expediente.",
    "tool.insurance": "Seguro en su expediente: {plans}.",
    "tool.insurance_line": (
        "{plan} ({payer}), número de afiliado terminado en {last4}: {status}, copago {copay}"
    ),
    "tool.payer_unknown": "aseguradora desconocida",
    "tool.status_active": "activo",
    "tool.status_inactive": "inactivo",
    "tool.refilled": (
        "Pedí el resurtido de {medication}. Cuente con 2 días hábiles. Resurtidos que quedan "
        "después de este: {remaining}."
    ),
    "tool.unknown_tool": "Esa acción no está disponible.",
    "tool.forbidden_role": "Su rol no permite hacer eso aquí.",
    "tool.patient_required": "Dígame para qué paciente es.",
    "tool.action_abandoned": "La clínica cerró esta solicitud sin terminarla; no se cambió nada.",
    "tool.slot_taken": "Ese horario se acaba de ocupar. Por favor elija otro.",
    "tool.provider_not_found": "No encontré a ese profesional.",
    "tool.time_required": "¿Qué día y a qué hora le gustaría?",
    "tool.time_required_move": "¿A qué día y hora la cambio?",
    "tool.in_the_past": "Ese horario ya pasó.",
    "tool.outside_hours": "{provider} no tiene un horario que empiece a esa hora.",
    "tool.appointment_not_found": "No encontré esa cita suya.",
    "tool.already_cancelled": "Esa cita ya está cancelada.",
    "tool.not_confirmed": "Solo se puede cambiar una cita confirmada.",
    "tool.prescription_not_found": "No encontré esa receta.",
    "tool.already_requested": "Ya hay un resurtido de {medication} en trámite.",
    "tool.no_refills": (
        "No quedan resurtidos de {medication}. Puedo pedir a la clínica que la renueve: ¿quiere "
        "que le llamen?"
    ),
    "tool.too_soon": (
        "{medication} se surtió hace menos de {days} días; si la necesita antes, consulte a la "
        "clínica."
    ),
    "tool.needs_review": (
        "{medication} es un medicamento controlado: un profesional revisará la solicitud y se "
        "comunicará con usted."
    ),
    "tool.query_required": "¿Qué quiere que busque?",
    "tool.unavailable": "En este momento no se pueden consultar los artículos de la clínica.",
    "tool.callback_in_the_past": "Ese horario ya pasó. ¿Cuándo le llamamos?",
    "tool.too_far_ahead": "Puedo programar una llamada con hasta un año de anticipación.",
    "tool.action_failed": (
        "No pude completarlo en este momento; nuestro personal lo volverá a intentar."
    ),
    "tool.action_rejected": (
        "No pude hacerlo: el sistema de la clínica no puede guardar parte de la solicitud, así "
        "que no se cambió nada. Revise los datos y vuelva a pedirlo, o llame a la clínica."
    ),
    "tool.kb_none": "Ningún artículo cubre eso.",
    "tool.kb_found": "Encontrado en: {titles}.",
    "tool.handoff_done": (
        "Pedí a una persona del personal de la clínica que se comunique con usted."
    ),
    "tool.contact": "Para hablar con una persona, llame a recepción: {numbers}.",
    "tool.contact_none": "Para hablar con una persona, llame a la clínica.",
    "dialogue.which_of": "¿Cuál de estas quiere decir?",
    "dialogue.not_offered": "Esa no es una de las opciones que le di. ¿Cuál prefiere?",
    "dialogue.option_line": "{n}. {label}",
    "dialogue.cleared": (
        "De acuerdo, lo dejo ahí: no se reservó ni se cambió nada. ¿Le ayudo con algo más?"
    ),
    "dialogue.dropped": "De acuerdo, lo dejo así. ¿Le ayudo con algo más?",
    "dialogue.resume_offer": "¿Seguimos con {task}?",
    "dialogue.task.book_appointment": "la reserva de su cita",
    "dialogue.task.check_availability": "la búsqueda de un horario",
    "dialogue.task.cancel_appointment": "la cancelación de su cita",
    "dialogue.task.reschedule_appointment": "el cambio de su cita",
    "dialogue.task.prescription_refill": "su resurtido",
    "dialogue.task.schedule_callback": "la llamada que pidió",
    "tool.slots_nearest": "No hay horarios libres {asked}. Los más cercanos:",
    "tool.slots_asked_with": "con {provider} {when}",
    "tool.asked_on": "{day}",
    "tool.asked_span": "entre {first} y {last}",
    "tool.asked_part.morning": "por la mañana",
    "tool.asked_part.afternoon": "por la tarde",
    "tool.asked_part.evening": "por la noche",
}
