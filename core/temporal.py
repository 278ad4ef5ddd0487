"""Connecting to Temporal from settings, the same way in the API, the worker and the tools."""

from __future__ import annotations

from temporalio.client import Client

from core.codec import EncryptionCodec, encrypted_converter, local_key_spec, parse_keys
from core.settings import Settings


def payload_key_spec(settings: Settings) -> str:
    """PAYLOAD_KEYS, or the single machine's key file. A process started for the same
    deployment with another DATA_DIR must be handed this as PAYLOAD_KEYS."""
    spec = settings.payload_keys.get_secret_value().strip() if settings.payload_keys else ""
    # Unset or empty (Compose passes "" for an unset variable): the local key file.
    return spec or local_key_spec(settings.payload_keys_file)


def payload_codec(settings: Settings) -> EncryptionCodec | None:
    if not settings.payload_encryption:
        return None
    return EncryptionCodec(parse_keys(payload_key_spec(settings)))


async def connect(settings: Settings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    # The worker is built on this client, so it shares the codec: history holds ciphertext.
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=settings.temporal_tls,
        api_key=api_key,
        data_converter=encrypted_converter(payload_codec(settings)),
    )
