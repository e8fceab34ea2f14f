"""The words of people, keys and the access log, kept beside `words` (which re-exports them) so that
each stays short: column headings as (Bahasa Indonesia, English), and what `kuota keys`, `kuota users`
and a first start say, both languages in one line as the command line does."""

ACCESS_HEADINGS = {
    "key_id": ("ID kunci", "Key id"), "registry": ("Registri", "Registry"), "scopes": ("Cakupan", "Scopes"),
    "label": ("Label", "Label"), "expires_on": ("Berlaku sampai", "Expires"), "created_at": ("Dibuat", "Created"),
    "created_by": ("Dibuat oleh", "Created by"), "last_used_at": ("Terakhir dipakai", "Last used"),
    "revoked_at": ("Dicabut", "Revoked"), "user": ("Pengguna", "User"), "role": ("Peran", "Role"),
    "regions": ("Wilayah", "Regions"), "disabled": ("Nonaktif", "Disabled"), "at": ("Waktu", "Time"),
    "locked_until": ("Dikunci sampai", "Locked until"), "password_changed_at": ("Sandi diganti", "Password changed"),
    "actor": ("Pelaku", "Actor"), "action": ("Tindakan", "Action"), "target": ("Sasaran", "Target"),
    "detail": ("Rincian", "Detail"),
}

ACCESS_SAID = {
    "key_created": "kunci dibuat / key created: {key_id} ({whom}; {scopes}; berlaku sampai / expires {expires})",
    "key_once": "simpan sekarang: kunci ini tidak dapat ditampilkan lagi / keep it now: it cannot be shown again",
    "key_revoked": "kunci dicabut / key revoked: {key_id}",
    "key_was_revoked": "kunci sudah dicabut sebelumnya / key was revoked already: {key_id}",
    "registry": "registri / registry",
    "never": "tanpa batas / never",
    "user_added": "pengguna ditambahkan / user added: {name} ({role})",
    "password_once": "kata sandi / password: {password}",
    "password_note": "ditampilkan sekali; ganti dengan / shown once; change it with: kuota users passwd {name}",
    "password_set": "kata sandi diganti, sesi lamanya berakhir / password changed, its sessions ended: {name}",
    "user_disabled": "pengguna dinonaktifkan, sesinya berakhir / user disabled, its sessions ended: {name}",
    "user_was_disabled": "pengguna sudah nonaktif / user was disabled already: {name}",
    "no_rows": "belum ada / none yet",
    "admin_once": "Dashboard login: admin / {password} (shown once; change it with kuota users passwd admin)",
    "admin_from_env": "Dashboard login: admin, with the password in KUOTA_ADMIN_PASSWORD",
    "admin_existing": "Dashboard login: a user of this ledger (kuota users list; kuota users passwd NAME)",
    "dashboard_at": "dasbor / dashboard: {command}, lalu buka / then open {url}",
}
