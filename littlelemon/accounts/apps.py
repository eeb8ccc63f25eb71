from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "littlelemon.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
