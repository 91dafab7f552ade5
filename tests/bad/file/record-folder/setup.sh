mkdir studies/folder.yaml
