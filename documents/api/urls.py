"""Registry API routes under ``/api/v1/a/<agency>/registry/`` (names prefixed ``api-registry-``) and the
handling routes under ``/api/v1/a/<agency>/handling/`` (``api-handling-``)."""

from django.urls import path

from documents.api import handling, mailbox, views

A = "a/<slug:agency>/registry/"
H = "a/<slug:agency>/handling/"

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
    path(H + "inbox/", handling.InboxApi.as_view(), name="api-handling-inbox"),
    path(H + "entries/<int:entry_id>/start/", handling.StartApi.as_view(), name="api-handling-start"),
    path(H + "letters/<int:handling_id>/", handling.HandlingDetailApi.as_view(), name="api-handling"),
    path(H + "letters/<int:handling_id>/present/", handling.PresentApi.as_view(), name="api-handling-present"),
    path(H + "letters/<int:handling_id>/inform/", handling.InformApi.as_view(), name="api-handling-inform"),
    path(H + "letters/<int:handling_id>/distribute/", handling.DistributeApi.as_view(), name="api-handling-distribute"),
    path(H + "holdings/endorse-bulk/", handling.EndorseBulkApi.as_view(), name="api-handling-endorse-bulk"),
    path(H + "holdings/<int:holding_id>/endorse/", handling.EndorseApi.as_view(), name="api-handling-endorse"),
    path(H + "holdings/<int:holding_id>/acknowledge/", handling.AcknowledgeApi.as_view(),
         name="api-handling-acknowledge"),
    path(H + "holdings/<int:holding_id>/unit-register/", handling.UnitRegisterApi.as_view(),
         name="api-handling-unit-register"),
    path(H + "holdings/<int:holding_id>/assign/", handling.AssignApi.as_view(), name="api-handling-assign"),
    path(H + "holdings/<int:holding_id>/return/", handling.ReturnApi.as_view(), name="api-handling-return"),
    path(H + "holdings/<int:holding_id>/forward/", handling.ForwardApi.as_view(), name="api-handling-forward"),
    path(H + "holdings/<int:holding_id>/act/", handling.ActApi.as_view(), name="api-handling-act"),
    path(H + "holdings/<int:holding_id>/close/", handling.CloseApi.as_view(), name="api-handling-close"),
    path(H + "chains/", handling.ChainsApi.as_view(), name="api-handling-chains"),
    path(H + "file-categories/", handling.FileCategoriesApi.as_view(), name="api-handling-file-categories"),
    path(H + "delegations/", handling.DelegationsApi.as_view(), name="api-handling-delegations"),
    path(H + "delegations/<int:delegation_id>/revoke/", handling.DelegationRevokeApi.as_view(),
         name="api-handling-delegation-revoke"),
]
