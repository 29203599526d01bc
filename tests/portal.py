"""A report as a government portal serves it: the article in Word-exported HTML (MsoNormal paragraphs, <o:p>,
<font>, digits split over spans, &nbsp; runs inside labels) inside the site's page (menus, breadcrumb, related
links, share buttons, scripts, a second unrelated table, footer); and the page saved by a browser as .mht."""

from __future__ import annotations

import re
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from gongkai.model import Report
from gongkai.writers.html import render_html

_VALUE_CELL = re.compile(r'<td([^>]*) data-key="[^"]*">([^<]*)</td>')
_ROW_LABEL = re.compile(r'<th scope="row">(.*?)</th>')

HEAD = """<head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政务公开_某某市人民政府</title>
<script type="text/javascript">var _hmt = _hmt || []; document.write("<div>统计代码</div>");</script>
<style>.nav li {{ float: left }} .footer {{ color: #666 }}</style></head>"""

CHROME_TOP = """<div class="header"><div class="logo">某某市人民政府</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main">
<div class="article-info">发布时间：2024-01-11 来源：本网 浏览次数：<span id="hits">128</span></div>"""

CHROME_BOTTOM = """<div class="share">分享到：<a class="wx">微信</a><a class="wb">微博</a><a>QQ空间</a>
<a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/1">某某市2022年政府信息公开工作年度报告</a></li>
<li><a href="/2">关于做好2023年政务公开工作的通知</a></li></ul></div>
<table class="list" border="1"><tr><td>序号</td><td>文件名称</td><td>发布日期</td><td>浏览</td></tr>
<tr><td>1</td><td>关于印发某某市招商引资奖励办法的通知</td><td>2023-03-01</td><td>356</td></tr>
<tr><td>2</td><td>关于某某路段临时交通管制的通告</td><td>2023-05-12</td><td>12</td></tr></table>
</div><div class="footer"><p>主办单位：某某市人民政府办公室 联系电话：0795-1234567</p>
<p>版权所有 2024 网站标识码：3609000001 赣ICP备05004001号</p></div>
<script>window.onload = function () {{ console.log("1 2 3"); }};</script>"""


def _word_value(m: re.Match) -> str:
    """A value cell as Word exports it: the digits split over spans, an empty <o:p> after them."""
    attributes, text = m.group(1), m.group(2)
    head, tail = text[:1], text[1:]
    spans = f"<span lang=EN-US style='font-size:10.5pt;font-family:\"Times New Roman\"'>{head}</span>"
    if tail:
        spans += f"<span lang=EN-US style='font-size:10.5pt'><font face=宋体>{tail}</font></span>"
    return (f"<td{attributes} valign=middle style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'>"
            f"<p class=MsoNormal align=center style='text-align:center'>{spans}<o:p></o:p></p></td>")


def _word_label(m: re.Match) -> str:
    inner = m.group(1).replace("</span><span class=\"w\">", "</span>&nbsp;<span class=\"w\">", 1)
    return f"<th scope=\"row\"><p class=MsoNormal><font face=仿宋_GB2312>{inner}</font><o:p></o:p></p></th>"


def article(report: Report) -> tuple[str, str]:
    """(title, the article's HTML in Word's manner)."""
    page = render_html(report)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)  # type: ignore[union-attr]
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S).group(1)  # type: ignore[union-attr]
    body = _VALUE_CELL.sub(_word_value, body)
    body = _ROW_LABEL.sub(_word_label, body)
    return title, f'<div class="article WordSection1">{body}</div>'


def portal_page(report: Report, charset: str = "utf-8") -> str:
    title, body = article(report)
    head = HEAD.format(charset=charset, title=title)
    bottom = CHROME_BOTTOM.replace("{{", "{").replace("}}", "}")
    html = '<html xmlns:o="urn:schemas-microsoft-com:office:office">'
    return f"{html}{head}<body>{CHROME_TOP}{body}{bottom}</body></html>"


def mht(page: str, charset: str = "gb2312") -> bytes:
    """The page saved by a browser as a single-file archive: multipart/related, quoted-printable HTML."""
    archive = MIMEMultipart("related", type="text/html")
    archive["Subject"] = "政府信息公开工作年度报告"
    archive["Snapshot-Content-Location"] = "http://www.example.gov.cn/art/2024/1/11/art_1.html"
    encoding = Charset(charset)
    encoding.body_encoding = QP
    html = MIMEText(page, "html", encoding)  # type: ignore[arg-type]
    html["Content-Location"] = "http://www.example.gov.cn/art/2024/1/11/art_1.html"
    archive.attach(html)
    image = MIMEText("iVBORw0KGgo=", "plain", "us-ascii")
    image.replace_header("Content-Type", "image/png")
    image["Content-Location"] = "http://www.example.gov.cn/images/logo.png"
    archive.attach(image)
    return archive.as_bytes()
