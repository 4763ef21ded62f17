"""Start the stand-in provider: `python -m tests.oidc_provider.serve --port N --db FILE --redirect-uri URL`.

It migrates its own SQLite file, makes a signing key, one user and one client (authorization code flow, no
consent screen), prints "ready" and serves until killed.
"""

import argparse
import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

CLIENT_ID = "workbench"
CLIENT_SECRET = "workbench-secret"
USERNAME, PASSWORD, EMAIL = "aminata", "ministry-pass-2027", "aminata.traore@ministry.example"


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_TEST_DB"] = args.db
    os.environ["OIDC_TEST_SITE_URL"] = f"http://127.0.0.1:{args.port}"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    get_user_model().objects.create_user(USERNAME, EMAIL, PASSWORD, first_name="Aminata", last_name="Traoré")
    client = Client.objects.create(
        name="Workbench",
        client_type="confidential",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
    )
    client.redirect_uris = [args.redirect_uri]
    client.scope = ["openid", "profile", "email"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    server = make_server(
        "127.0.0.1",
        args.port,
        get_wsgi_application(),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    print("ready", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
