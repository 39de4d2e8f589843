default_app_config = "procurement.checkout.apps.CheckoutConfig"
