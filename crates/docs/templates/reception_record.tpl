@court {{ court.name }}
@title 接待笔录
@line 案号：{{ case_number }}
@line 时间：{{ issued_on }}
@line 地点：{{ court.name }}执行局接待室
@line 接待人：{{ judge }}　　记录人：{{ clerk }}
{% for p in applicants %}
@line 来访人：{{ p.name }}（{{ p.id_label }}：{{ p.id_number }}）
{% endfor %}
@line 事由：{{ cause }}一案执行事宜
{% for n in notes %}
@para {{ n }}
{% endfor %}
@para 以上笔录已经来访人阅读（宣读），确认无误。
@line 来访人（签名）：　　　　　　　　接待人（签名）：
