"""Voice: POST /api/v1/voice/stt and /tts for staff tools, /process for a spoken turn.

The body of /stt and /process is the audio itself (Content-Type names its format; see the
README's "Voice" section); the reply of /tts is a WAV file."""

from __future__ import annotations

import base64
import logging
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api.auth import LimitedPrincipalDep, Principal
from api.deps import StateDep, TemporalDep
from api.routes.pipelines import IdempotencyHeader, prepare_turn
from api.schemas import SESSION_PATTERN, PipelineRequest, PipelineResponse
from api.turns import run_turn
from api.voice import blob_store, synthesize, take_audio, transcribe
from api.voice_schemas import (
    ReplyAudio,
    SpeechRequest,
    SpeechStatus,
    TranscriptOut,
    VoiceTurnResponse,
    WordOut,
)
from core.audio_types import OCTET_STREAM, matches, parse_media_type, sniff
from core.errors import PermissionDenied, ServiceUnavailable, UnsupportedMedia, ValidationFailed
from core.spoken import spoken_text
from core.voice_payloads import Transcript

router = APIRouter(prefix="/api/v1/voice", tags=["voice"])
log = logging.getLogger("aurixa.api.voice")
ContentType = Annotated[str, Header(alias="Content-Type", include_in_schema=False)]
_AUDIO_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}}
            for t in (
                # First: the type a generic client (and the OpenAPI fuzzer) can send.
                "application/octet-stream",
                "audio/wav",
                "audio/ogg",
                "audio/webm",
                "audio/L16; rate=16000",
            )
        },
    }
}


def _staff(who: Principal) -> None:
    if not who.is_staff:
        raise PermissionDenied("Speech tools are for clinic staff; patients use /voice/process.")


async def _audio(request: Request, content_type: str) -> tuple[bytes, str]:
    """The body and its audio type, refused early when the declared format is not one we
    take or the bytes are not that format (nothing is stored for a refused request). An
    octet-stream body is typed by its first bytes."""
    kind = parse_media_type(content_type)
    if kind is None:
        raise UnsupportedMedia(
            f"{content_type or 'No Content-Type'} is not an accepted audio type: send "
            "audio/wav, audio/ogg or audio/webm (Opus), audio/L16; rate=16000, or "
            "application/octet-stream holding WAV, Ogg or WebM."
        )
    data = await request.body()
    if not data:
        raise ValidationFailed("The request holds no audio.", code="empty_audio")
    if not matches(kind, data):
        what = "WAV, Ogg or WebM audio" if kind.base == OCTET_STREAM else f"{kind.base} audio"
        raise ValidationFailed(f"The body is not {what}.", code="bad_audio")
    return data, (sniff(data) or content_type) if kind.base == OCTET_STREAM else content_type


def _transcript_out(t: Transcript) -> TranscriptOut:
    return TranscriptOut(
        text=t.text,
        language=t.language,
        duration_s=t.duration_s,
        speech_s=t.speech_s,
        confidence=t.confidence,
        model=t.model,
        words=[WordOut(**vars(w)) for w in t.words],
    )


@router.post("/stt", response_model=TranscriptOut, openapi_extra=_AUDIO_DOC)
async def speech_to_text(
    request: Request,
    state: StateDep,
    who: LimitedPrincipalDep,
    client: TemporalDep,
    content_type: ContentType = "",
) -> TranscriptOut:
    _staff(who)
    audio, audio_type = await _audio(request, content_type)
    blobs = blob_store(state.settings)
    t = await transcribe(client, state.settings, blobs, audio, audio_type)
    return _transcript_out(t)


@router.post(
    "/tts",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}, "description": "The speech, as WAV."}},
)
async def text_to_speech(
    body: SpeechRequest, state: StateDep, who: LimitedPrincipalDep, client: TemporalDep
) -> Response:
    _staff(who)
    speech = await synthesize(client, state.settings, body.text, body.language)
    audio = await take_audio(blob_store(state.settings), speech)
    if audio is None and speech.reason == "no_voice_for_language":
        raise ValidationFailed(
            f"No voice is installed for language {body.language!r}.", code="no_voice_for_language"
        )
    if audio is None:
        raise ServiceUnavailable(
            f"Text to speech is not available here ({speech.reason}).", code="tts_unavailable"
        )
    return Response(
        audio,
        media_type="audio/wav",
        headers={"X-Speech-Sentences": str(speech.sentences)},
    )


@router.post("/process", response_model=VoiceTurnResponse, openapi_extra=_AUDIO_DOC)
async def process_voice(
    request: Request,
    state: StateDep,
    who: LimitedPrincipalDep,
    client: TemporalDep,
    content_type: ContentType = "",
    session_id: Annotated[str | None, Query(pattern=SESSION_PATTERN)] = None,
    patient_id: Annotated[int | None, Query(ge=1)] = None,
    idempotency_key: IdempotencyHeader = None,
) -> VoiceTurnResponse:
    """Audio -> transcript -> the same turn a typed message gets (channel `voice`) -> the
    reply as text and, with the TTS extra, as speech. An emergency's guidance is the reply's
    first sentence, so it is the first thing spoken."""
    audio, audio_type = await _audio(request, content_type)
    settings = state.settings
    blobs = blob_store(settings)
    t = await transcribe(client, settings, blobs, audio, audio_type)
    if not t.text.strip():
        raise ValidationFailed("No words were recognised in the audio.", code="silent_audio")
    body = PipelineRequest(
        prompt=t.text, session_id=session_id, patient_id=patient_id, channel="voice"
    )
    turn, sid, echo = await prepare_turn(state, who, body, idempotency_key, stream=False)
    result = await run_turn(client, settings, turn, sid)
    response = PipelineResponse.from_result(result, echo)
    said = spoken_text(result.final_response, result.language)
    speech = await synthesize(client, settings, said, result.language)
    wav = await take_audio(blobs, speech)
    log.info(
        "voice turn done",
        extra={
            "turn_id": turn.turn_id,
            "audio_s": t.duration_s,
            "stt_s": t.seconds,
            "tts_s": speech.seconds,
            "spoken": wav is not None,
        },
    )
    return VoiceTurnResponse(
        transcript=_transcript_out(t),
        response=response,
        speech=SpeechStatus(available=wav is not None, reason=speech.reason),
        reply_audio=None
        if wav is None
        else ReplyAudio(
            sample_rate=speech.sample_rate,
            duration_s=speech.duration_s,
            base64=base64.b64encode(wav).decode(),
        ),
    )
