"""Speech in (faster-whisper) and out (piper, an optional extra), run on the voice queue."""
