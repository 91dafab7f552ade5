sed -i 's/{ id: community, label: Community }/{ id: community, label: Community }\n      - { id: community, label: Community again }\n      - { id: Home_Visits, label: Home visits }/' site.yaml
