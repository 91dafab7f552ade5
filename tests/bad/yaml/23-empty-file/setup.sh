: >studies/empty.yaml
printf '# only a comment\n' >studies/comment.yaml
