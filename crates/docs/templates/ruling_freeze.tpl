@court {{ court.name }}
@title 执行裁定书
@number {{ number }}
{% for p in applicants %}
@line 申请执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}，住所地{{ p.address }}。
{% if p.representative %}
@line 法定代表人：{{ p.representative }}。
{% endif %}
{% endfor %}
{% for p in respondents %}
@line 被执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}，住{{ p.address }}。
{% endfor %}
@para 申请执行人与被执行人{{ cause }}一案，{{ basis.court }}{{ basis.number }}{{ basis.kind }}已经发生法律效力。因被执行人未按执行通知履行法律文书确定的义务，申请执行人申请强制执行，执行标的{{ amount.capital }}（¥{{ amount.figures }}）。依照《中华人民共和国民事诉讼法》第二百四十九条、第二百五十条、第二百五十一条的规定，裁定如下：
{% for a in assets %}
@para {{ loop.index }}. 冻结{{ a.holder }}名下{{ a.description }}{% if a.amount %}，以人民币{{ a.amount }}元为限{% endif %}{% if a.period %}，期限{{ a.period }}{% endif %}。
{% else %}
@para 冻结被执行人名下下列存款、收入等财产，以{{ amount.capital }}为限。
{% endfor %}
@para 本裁定立即执行。
@line 审判长　{{ judge }}
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
@line 书记员　{{ clerk }}
