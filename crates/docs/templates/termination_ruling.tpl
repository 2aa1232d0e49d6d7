@court {{ court.name }}
@title 执行裁定书
@number {{ number }}
{% for p in applicants %}
@line 申请执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}。
{% endfor %}
{% for p in respondents %}
@line 被执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}，住{{ p.address }}。
{% endfor %}
@para 本院在执行申请执行人与被执行人{{ cause }}一案中，依据{{ basis.court }}{{ basis.number }}{{ basis.kind }}，执行标的{{ amount.capital }}（¥{{ amount.figures }}）。本院于{{ filed_on }}立案执行后，向被执行人发出执行通知书、报告财产令，通过网络执行查控系统及传统调查方式对被执行人的存款、车辆、不动产、证券、股权等财产进行了调查，已对被执行人采取限制消费措施并纳入失信被执行人名单。经穷尽财产调查措施，未发现被执行人有其他可供执行的财产，申请执行人亦不能提供被执行人可供执行的财产线索。本院已将上述情况告知申请执行人，并听取了其意见。
@para 依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五百一十七条的规定，裁定如下：
@para 终结本次执行程序。
@para 申请执行人发现被执行人有可供执行财产的，可以再次申请执行。再次申请不受申请执行时效期间的限制。本裁定送达后立即生效。
@line 审判长　{{ judge }}
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
@line 书记员　{{ clerk }}
