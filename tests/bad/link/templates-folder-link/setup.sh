# The content folder's own templates/ linked to a folder elsewhere.
mkdir -p ../templates-folder-elsewhere
printf '<p>SECRET-KEY-LINE</p>\n' >../templates-folder-elsewhere/page.html
ln -s ../templates-folder-elsewhere templates
