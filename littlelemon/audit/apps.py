from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "littlelemon.audit"
    label = "audit"
    verbose_name = "Audit trail"
