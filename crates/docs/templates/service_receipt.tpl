@court {{ court.name }}
@title 送达回证
@number {{ number }}
@table 项目|内容
@row 案由|{{ cause }}
@row 送达文书|执行通知书、报告财产令及财产调查表
{% for p in respondents %}
@row 受送达人|{{ p.name }}
@row 送达地址|{{ p.address }}
{% endfor %}
@row 受送达人签名或盖章|
@row 签收日期|　　年　　月　　日
@row 代收人及代收理由|
@row 送达人|
@row 备注|
@sign {{ court.name }}|{{ issued_on }}
@seal 院印
@note 说明：受送达人拒绝签收的，送达人应当在本回证上记明拒收事由和日期，由送达人、见证人签名或者盖章。
