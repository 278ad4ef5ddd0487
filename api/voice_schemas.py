"""Voice request and response shapes (POST /api/v1/voice/stt, /tts, /process)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import PipelineResponse


class WordOut(BaseModel):
    word: str
    start: float
    end: float
    probability: float


class TranscriptOut(BaseModel):
    text: str
    language: str
    duration_s: float
    speech_s: float
    confidence: float = Field(description="Mean word probability, 0 to 1.")
    model: str
    words: list[WordOut]


class SpeechRequest(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")


class ReplyAudio(BaseModel):
    content_type: str = "audio/wav"
    sample_rate: int
    duration_s: float
    base64: str


class SpeechStatus(BaseModel):
    """`available` False: the reply is text only, and `reason` says why."""

    available: bool
    reason: str | None = None


class VoiceTurnResponse(BaseModel):
    transcript: TranscriptOut
    response: PipelineResponse
    speech: SpeechStatus
    reply_audio: ReplyAudio | None = None
