"""Registry pages under ``/a/<agency>/registry/`` (names prefixed ``registry-``) and handling pages under
``/a/<agency>/handling/`` (``handling-``)."""

from django.urls import path

from documents.web.views import books, circulation, entries, handling, mailbox, memos, notifications, registry

R = "a/<slug:agency>/registry/"
E = R + "entries/<int:entry_id>/"
M = R + "mailbox/<int:message_id>/"
H = "a/<slug:agency>/handling/"
HL = H + "letters/<int:handling_id>/"
HH = H + "holdings/<int:holding_id>/"
HC = H + "circulations/<int:circulation_id>/"
N = "a/<slug:agency>/notifications/"  # the bell's list and the member's preferences

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
    path(H + "settings/chains/<int:chain_id>/active/", handling.chain_set_active, name="handling-chain-set-active"),
    path(H + "settings/due-rules/", handling.due_rule_create, name="handling-due-rule-create"),
    path(H + "settings/due-rules/<int:rule_id>/active/", handling.due_rule_set_active, name="handling-due-rule-set-active"),
    path(H + "settings/file-categories/", handling.category_create, name="handling-category-create"),
    path(H + "settings/file-categories/<int:category_id>/active/", handling.category_set_active,
         name="handling-category-set-active"),
    path(H + "memos/new/", memos.memo_new, name="handling-memo-new"),
    path(H + "settings/delegations/", handling.delegation_create, name="handling-delegation-create"),
    path(H + "settings/delegations/<int:delegation_id>/revoke/", handling.delegation_revoke,
         name="handling-delegation-revoke"),
    path(E + "note/", handling.note_new, name="handling-note"),
    path(E + "circulate/", circulation.own_letter, name="handling-own-letter-circulate"),
    path(HL, handling.letter, name="handling-letter"),
    path(HL + "sheet/", handling.endorsement_sheet, name="handling-sheet"),
    path(HL + "files/<int:file_id>/", handling.letter_file, name="handling-file"),
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
    path(HL + "circulate/", circulation.circulate, name="handling-circulate"),
    path(H + "circulations/", circulation.circulations, name="handling-circulations"),
    path(HC, circulation.circulation_page, name="handling-circulation"),
    path(HC + "acknowledge/", circulation.acknowledge, name="handling-circulation-acknowledge"),
    path(HC + "status/", circulation.status_page, name="handling-circulation-status"),
    path(HC + "close/", circulation.close, name="handling-circulation-close"),
    path(HC + "sheet/", circulation.sheet, name="handling-circulation-sheet"),
    path(N, notifications.notifications_page, name="notifications"),
    path(N + "read-all/", notifications.notifications_read_all, name="notifications-read-all"),
    path(N + "settings/", notifications.notification_settings, name="notification-settings"),
    path(N + "<int:notification_id>/open/", notifications.notification_open, name="notification-open"),
    path(N + "<int:notification_id>/read/", notifications.notification_read, name="notification-read"),
    path(H + "overdue/", notifications.overdue_page, name="overdue"),
]
