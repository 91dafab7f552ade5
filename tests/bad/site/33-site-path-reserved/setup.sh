# A facet whose pages would land on the study pages' folder.
sed -i 's/path: settings/path: studies/' site.yaml
