"""The `Api-Key` scheme in the OpenAPI document (drf-spectacular): offered on the operations
whose view names a scope for the method (`api_key_scopes`), and on no other."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .authentication import scope_required


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "littlelemon.apikeys.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: a key issued at /api/v1/api-keys/, within its scopes (docs/api-keys.md).",
        }

    def get_security_requirement(self, auto_schema):
        if scope_required(auto_schema.view, auto_schema.method) is None:
            return None
        return {self.name: []}
