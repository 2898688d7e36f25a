"""Registry API routes under ``/api/v1/a/<agency>/registry/``. Names are prefixed ``api-registry-``."""

from django.urls import path

from documents.api import mailbox, views

A = "a/<slug:agency>/registry/"

urlpatterns = [
    path(A + "books/", views.BooksApi.as_view(), name="api-registry-books"),
    path(A + "books/<slug:book>/", views.BookDetailApi.as_view(), name="api-registry-book"),
    path(A + "books/<slug:book>/start-number/", views.BookStartNumberApi.as_view(), name="api-registry-book-start-number"),
    path(A + "books/<slug:book>/register-central/", views.BookRegisterCentralApi.as_view(),
         name="api-registry-book-register-central"),
    path(A + "books/<slug:book>/entries/", views.BookEntriesApi.as_view(), name="api-registry-book-entries"),
    path(A + "files/", views.FilesUploadApi.as_view(), name="api-registry-files"),
    path(A + "incoming/", views.IncomingApi.as_view(), name="api-registry-incoming"),
    path(A + "outgoing/", views.OutgoingApi.as_view(), name="api-registry-outgoing"),
    path(A + "reservations/", views.ReservationsApi.as_view(), name="api-registry-reservations"),
    path(A + "entries/<int:entry_id>/", views.EntryDetailApi.as_view(), name="api-registry-entry"),
    path(A + "entries/<int:entry_id>/amend/", views.EntryAmendApi.as_view(), name="api-registry-entry-amend"),
    path(A + "entries/<int:entry_id>/annul/", views.EntryAnnulApi.as_view(), name="api-registry-entry-annul"),
    path(A + "entries/<int:entry_id>/dispatch/", views.EntryDispatchApi.as_view(), name="api-registry-entry-dispatch"),
    path(A + "entries/<int:entry_id>/unit-register/", views.EntryUnitRegisterApi.as_view(),
         name="api-registry-entry-unit-register"),
    path(A + "entries/<int:entry_id>/secret-open/", views.EntrySecretOpenApi.as_view(),
         name="api-registry-entry-secret-open"),
    path(A + "entries/<int:entry_id>/secret-grants/", views.SecretGrantsApi.as_view(),
         name="api-registry-entry-secret-grants"),
    path(A + "entries/<int:entry_id>/files/<int:file_id>/", views.EntryFileApi.as_view(),
         name="api-registry-entry-file"),
    path(A + "mailbox/messages/", mailbox.MessagesApi.as_view(), name="api-mailbox-messages"),
    path(A + "mailbox/messages/<int:message_id>/", mailbox.MessageDetailApi.as_view(), name="api-mailbox-message"),
    path(A + "mailbox/messages/<int:message_id>/register/", mailbox.MessageRegisterApi.as_view(),
         name="api-mailbox-message-register"),
    path(A + "mailbox/messages/<int:message_id>/dismiss/", mailbox.MessageDismissApi.as_view(),
         name="api-mailbox-message-dismiss"),
    path(A + "mailboxes/", mailbox.MailboxesApi.as_view(), name="api-mailboxes"),
    path(A + "mailboxes/<int:mailbox_id>/fetch/", mailbox.MailboxFetchApi.as_view(), name="api-mailbox-fetch"),
]
