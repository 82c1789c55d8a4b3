"""Bulk import of spreadsheets as offices keep them (issue 6), in two phases:

    from partyblock.importing.batches import commit, prepare

    preview = prepare("members", uploaded_file, organisation=tccs, user=request.user)
    preview.errors      # every "Dòng N, cột X (tiêu đề), giá trị “V”: lý do"
    commit(preview)     # one transaction, from the validated plan; nothing re-read

`columns` (one object per field), `readers` (xlsx via python-calamine, csv), `kinds` (what each
sheet means and how it is written), `plan` (the stored plan), `batches` (prepare / commit),
`templates` (blank templates and exports in the template's columns). A Django app (`apps.py`):
ImportBatch is its model, `import_sheet` its command; this package imports nothing at load time, as
Django requires of an app.
"""
