"""Local process management for the embedded topology (`make run`) and the test suite."""
