{# 执行通知书 — 默认模板。可用字段见 crates/docs/src/data.rs 的 DocData。 #}
@court {{ court.name }}
@title 执行通知书
@number {{ number }}
{% for p in respondents %}
@to {{ p.name }}：
{% endfor %}
@para {% for p in applicants %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}与{% for p in respondents %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}{{ cause }}一案，{{ basis.court }}{{ basis.number }}{{ basis.kind }}已经发生法律效力。申请执行人于{{ filed_on }}向本院申请强制执行，本院依法立案执行。依照《中华人民共和国民事诉讼法》第二百四十七条、第二百五十九条、第二百六十条的规定，责令你（单位）立即履行下列义务：
@para 一、向申请执行人支付{{ basis.kind }}确定的款项{{ amount.capital }}（¥{{ amount.figures }}）；
@para 二、负担申请执行费{{ fee.capital }}（¥{{ fee.figures }}）；
@para 三、加倍支付迟延履行期间的债务利息。你（单位）未按判决、裁定和其他法律文书指定的期间履行给付金钱义务的，应当依照《中华人民共和国民事诉讼法》第二百六十条的规定加倍支付迟延履行期间的债务利息。
@para 款项请汇入本案执行款专用账户：开户行{{ payment.bank }}，户名{{ payment.account_name }}，账号{{ payment.account_number }}，汇款时请注明“{{ payment.note }}”。
@para 如逾期不履行，本院将依法强制执行，并可依法对你（单位）采取限制消费、纳入失信被执行人名单等措施。
@line 承办人：{{ judge }}　　书记员：{{ clerk }}
@line 联系电话：{{ court.phone }}
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
