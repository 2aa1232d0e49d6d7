@court {{ court.name }}
@title 报告财产令
@number {{ number }}
{% for p in respondents %}
@to {{ p.name }}（{{ p.id_label }}：{{ p.id_number }}）：
{% endfor %}
@para 本院依据已经发生法律效力的{{ basis.court }}{{ basis.number }}{{ basis.kind }}，于{{ filed_on }}立案执行申请执行人{% for p in applicants %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}与你（单位）{{ cause }}一案。依照《中华人民共和国民事诉讼法》第二百五十二条的规定，责令你（单位）在收到本令后五日内，如实向本院报告当前以及收到执行通知之日前一年的财产情况，并填写所附财产调查表。
@para 拒绝报告或者虚假报告的，本院将根据情节轻重对你（单位）或者你单位的主要负责人、直接责任人员予以罚款、拘留；构成犯罪的，依法追究刑事责任。
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
@title 财产调查表
@number {{ number }}
@table 财产类别|名称、数量及所在地|价值或金额（元）|备注
@row 银行存款| | |
@row 现金| | |
@row 不动产| | |
@row 车辆| | |
@row 股权、证券| | |
@row 到期债权| | |
@row 其他财产| | |
@line 报告人（签名或盖章）：　　　　　　　　报告日期：
