sed -i 's/rows: outcome/rows: outcomes/; s/filters: \[design, year\]/filters: [desing, year, country]/' site.yaml
