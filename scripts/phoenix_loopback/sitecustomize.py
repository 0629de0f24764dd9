"""Keeps Arize Phoenix's TLS gRPC listener on loopback (put this folder on PYTHONPATH).

The shared launcher (`../shared/peers/phoenix_loopback.py`) rewrites Phoenix's
`add_insecure_port("[::]:PORT")` to 127.0.0.1, but with TLS on, Phoenix binds its OTLP/gRPC
receiver through `add_secure_port`, which that wrapper leaves alone. Python imports this module
at start-up; it patches `add_secure_port` the same way. Outside Phoenix's venv (no grpc) it
does nothing.
"""

try:
    import grpc.aio._server as _grpc_server
except ImportError:  # pip, venv creation and other Pythons started with this path
    _grpc_server = None

if _grpc_server is not None:
    _add_secure_port = _grpc_server.Server.add_secure_port

    def _loopback_only(self, address, server_credentials):
        if address.startswith("[::]:") or address.startswith("0.0.0.0:"):
            address = "127.0.0.1:" + address.rsplit(":", 1)[1]
        return _add_secure_port(self, address, server_credentials)

    _grpc_server.Server.add_secure_port = _loopback_only
