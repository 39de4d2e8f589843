import oscar.apps.catalogue.apps as apps
from django.db.models.signals import post_delete, post_save


class CatalogueConfig(apps.CatalogueConfig):
    name = "marketplace.catalogue"

    def ready(self):
        super().ready()
        from oscar.apps.catalogue import receivers as oscar_receivers
        from oscar.core.loading import get_model

        from marketplace.catalogue.images import photo_deleted

        ProductImage = get_model("catalogue", "ProductImage")
        # Oscar deletes a photo's original at once, inside the transaction, even when another
        # row shares the file, and leaves our thumbnails; `photo_deleted` does it all after commit.
        if hasattr(oscar_receivers, "delete_image_files"):
            post_delete.disconnect(oscar_receivers.delete_image_files, sender=ProductImage)
        post_delete.connect(photo_deleted, sender=ProductImage, dispatch_uid="catalogue_photo_deleted")

        from marketplace.catalogue.templatetags.category_menu import categories_changed

        # The cached category menu (every page's header) is made again after any change.
        Category = get_model("catalogue", "Category")
        post_save.connect(categories_changed, sender=Category, dispatch_uid="catalogue_menu_saved")
        post_delete.connect(categories_changed, sender=Category, dispatch_uid="catalogue_menu_deleted")
