from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "nyata.products"
    label = "products"
