"""Registry pages under ``/a/<agency>/registry/`` (names prefixed ``registry-``) and handling pages under
``/a/<agency>/handling/`` (``handling-``)."""

from django.urls import path

from documents.web.views import books, entries, handling, mailbox, registry

R = "a/<slug:agency>/registry/"
E = R + "entries/<int:entry_id>/"
M = R + "mailbox/<int:message_id>/"
H = "a/<slug:agency>/handling/"
HL = H + "letters/<int:handling_id>/"
HH = H + "holdings/<int:holding_id>/"

urlpatterns = [
    path(R, registry.registry_home, name="registry-home"),
    path(R + "incoming/new/", registry.incoming_new, name="registry-incoming"),
    path(R + "outgoing/new/", registry.outgoing_new, name="registry-outgoing"),
    path(R + "reserve/", registry.reserve_new, name="registry-reserve"),
    path(R + "books/<slug:book>/", books.book_page, name="registry-book"),
    path(R + "books/<slug:book>/register-central/", books.book_register_central, name="registry-book-register-central"),
    path(R + "books/<slug:book>/export/<slug:fmt>/", books.book_export, name="registry-book-export"),
    path(E, entries.entry_detail, name="registry-entry"),
    path(E + "amend/", entries.entry_amend, name="registry-entry-amend"),
    path(E + "annul/", entries.entry_annul, name="registry-entry-annul"),
    path(E + "unit-register/", entries.entry_unit_register, name="registry-entry-unit-register"),
    path(E + "dispatch/", entries.entry_dispatch, name="registry-entry-dispatch"),
    path(E + "secret-grants/", entries.entry_secret_grants, name="registry-entry-secret-grants"),
    path(E + "use/", entries.reservation_use, name="registry-reservation-use"),
    path(E + "secret-open/", entries.secret_open, name="registry-secret-open"),
    path(E + "files/<int:file_id>/", entries.entry_file, name="registry-entry-file"),
    path(R + "mailbox/", mailbox.mailbox_queue, name="registry-mailbox"),
    path(R + "mailbox/fetch/<int:mailbox_id>/", mailbox.mailbox_fetch_now, name="registry-mailbox-fetch"),
    path(M, mailbox.mailbox_message, name="registry-mailbox-message"),
    path(M + "dismiss/", mailbox.mailbox_dismiss, name="registry-mailbox-dismiss"),
    path(M + "restore/", mailbox.mailbox_restore, name="registry-mailbox-restore"),
    path(M + "files/<int:file_id>/", mailbox.mailbox_file, name="registry-mailbox-file"),
    path(H, handling.inbox, name="handling-inbox"),
    path(H + "endorse-bulk/", handling.endorse_bulk, name="handling-endorse-bulk"),
    path(H + "settings/", handling.settings_page, name="handling-settings"),
    path(H + "settings/chains/", handling.chain_create, name="handling-chain-create"),
    path(H + "settings/file-categories/", handling.category_create, name="handling-category-create"),
    path(H + "settings/delegations/", handling.delegation_create, name="handling-delegation-create"),
    path(H + "settings/delegations/<int:delegation_id>/revoke/", handling.delegation_revoke,
         name="handling-delegation-revoke"),
    path(E + "note/", handling.note_new, name="handling-note"),
    path(HL, handling.letter, name="handling-letter"),
    path(HL + "sheet/", handling.endorsement_sheet, name="handling-sheet"),
    path(HL + "working-copy/", handling.working_copy, name="handling-working-copy"),
    path(HL + "present/", handling.present, name="handling-present"),
    path(HL + "inform/", handling.inform, name="handling-inform"),
    path(HL + "distribute/", handling.distribute, name="handling-distribute"),
    path(HH + "endorse/", handling.endorse, name="handling-endorse"),
    path(HH + "acknowledge/", handling.acknowledge, name="handling-acknowledge"),
    path(HH + "unit-register/", handling.unit_register, name="handling-unit-register"),
    path(HH + "assign/", handling.assign, name="handling-assign"),
    path(HH + "return/", handling.return_, name="handling-return"),
    path(HH + "forward/", handling.forward, name="handling-forward"),
    path(HH + "act/", handling.act, name="handling-act"),
    path(HH + "close/", handling.close, name="handling-close"),
]
