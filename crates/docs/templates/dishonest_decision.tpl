@court {{ court.name }}
@title 决定书
@number {{ number }}
{% for p in applicants %}
@line 申请执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}。
{% endfor %}
{% for p in respondents %}
@line 被执行人：{{ p.name }}，{{ p.id_label }}{{ p.id_number }}，住{{ p.address }}。
{% endfor %}
@para 本院在执行申请执行人与被执行人{{ cause }}一案中，被执行人有履行能力而拒不履行{{ basis.court }}{{ basis.number }}{{ basis.kind }}确定的义务（{{ amount.capital }}）。依照《中华人民共和国民事诉讼法》第二百六十六条、《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条的规定，决定如下：
@para 将被执行人{% for p in respondents %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}纳入失信被执行人名单。
@para 被执行人认为将其纳入失信被执行人名单错误的，可以自收到本决定之日起十日内向本院申请纠正。
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
