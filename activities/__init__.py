"""Every side effect and every engine the workflows call, one package per capability."""
