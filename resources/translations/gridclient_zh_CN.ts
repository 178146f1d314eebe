<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AreaTree</name>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="41"/>
        <source>All my areas ({count} households)</source>
        <translation>我的全部区域（{count} 户）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/area_tree.py" line="54"/>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="51"/>
        <source>Visit coverage this month</source>
        <translation>本月走访覆盖率</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="52"/>
        <source>Households not visited</source>
        <translation>未走访住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/dashboard.py" line="55"/>
        <source>in the last %n day(s)</source>
        <translation>
            <numerusform>近 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="60"/>
        <source>Show these households</source>
        <translation>查看这些住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="66"/>
        <source>Open events</source>
        <translation>在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="67"/>
        <source>Show open events</source>
        <translation>查看在办事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="71"/>
        <source>Overdue events</source>
        <translation>超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="72"/>
        <source>Show overdue events</source>
        <translation>查看超期事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="76"/>
        <source>Waiting to sync</source>
        <translation>待同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="85"/>
        <source>Today&apos;s work</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="112"/>
        <source>{visited} of {total} households visited</source>
        <translation>已走访 {visited} 户，共 {total} 户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="117"/>
        <source>households</source>
        <translation>户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="124"/>
        <source>changes saved on this computer, not yet sent to the server</source>
        <translation>条修改已保存在本机，尚未上传到服务器</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/dashboard.py" line="126"/>
        <source>everything is sent</source>
        <translation>全部已上传</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="91"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="96"/>
        <source>GridClient locked itself because nobody used it for a while, to protect residents&apos; personal information.
{name}, enter your password to continue.</source>
        <translation>为保护居民个人信息，网格通在一段时间无人操作后已自动锁定。
{name}，请输入密码继续使用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="105"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="108"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="145"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="149"/>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="167"/>
        <source>Wrong password. Please try again.</source>
        <translation>密码错误，请重试。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="171"/>
        <source>The key file of this computer&apos;s data cannot be read. Please call your IT contact.</source>
        <translation>无法读取本机数据的密钥文件。请联系信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/lock.py" line="176"/>
        <source>Could not check the password: {error}</source>
        <translation>无法验证密码：{error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="93"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="93"/>
        <source>GridClient (demo)</source>
        <translation>网格通（演示）</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="121"/>
        <source>All households</source>
        <translation>全部住户</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="123"/>
        <source>Not visited in %n day(s)</source>
        <translation>
            <numerusform>%n 天未走访</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="131"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="137"/>
        <source>All residents</source>
        <translation>全部人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="145"/>
        <source>%n resident(s)</source>
        <translation>
            <numerusform>共 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="147"/>
        <source>Special group:</source>
        <translation>特殊人群：</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="155"/>
        <source>%n visit(s)</source>
        <translation>
            <numerusform>共 %n 条走访</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="162"/>
        <source>All events</source>
        <translation>全部事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="163"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="164"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="165"/>
        <source>Finished</source>
        <translation>已办结</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="173"/>
        <source>%n event(s)</source>
        <translation>
            <numerusform>共 %n 件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="175"/>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="182"/>
        <source>{name} ({role}) · {scope}</source>
        <translation>{name}（{role}）· {scope}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="194"/>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="195"/>
        <source>Households</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="197"/>
        <source>Visits</source>
        <translation>走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="198"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="234"/>
        <source>New visit (Ctrl+N)</source>
        <translation>新增走访 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="237"/>
        <source>Report event (Ctrl+E)</source>
        <translation>上报事件 (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="239"/>
        <source>Search (Ctrl+F)</source>
        <translation>搜索 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="240"/>
        <source>Refresh (F5)</source>
        <translation>刷新 (F5)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="241"/>
        <source>Lock (Ctrl+L)</source>
        <translation>锁定 (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="244"/>
        <source>Tab {number}</source>
        <translation>第 {number} 页</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="248"/>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="370"/>
        <source>%n change(s) waiting to sync</source>
        <translation>
            <numerusform>待同步 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="372"/>
        <source>Never synced</source>
        <translation>从未同步</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="375"/>
        <source>Last sync: {when}</source>
        <translation>上次同步：{when}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="376"/>
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>冲突 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="385"/>
        <source>● Online</source>
        <translation>● 在线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="388"/>
        <source>○ Offline</source>
        <translation>○ 离线</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="394"/>
        <source>Could not load the data: {error}</source>
        <translation>无法读取数据：{error}</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="454"/>
        <source>This form is not available yet.</source>
        <translation>该表单暂不可用。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="496"/>
        <source>Select a household first.</source>
        <translation>请先选择一户。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="503"/>
        <source>Select a grid first.</source>
        <translation>请先选择一个网格。</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/main_window.py" line="196"/>
        <source>Residents</source>
        <translation>人员</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gridclient/ui/main_window.py" line="129"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>共 %n 户</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../gridclient/ui/search.py" line="30"/>
        <source>Search name, ID number (or its last digits), phone, address, pinyin (Ctrl+F)</source>
        <translation>搜索姓名、身份证号（或末几位）、电话、地址、拼音首字母 (Ctrl+F)</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../gridclient/app.py" line="38"/>
        <source>Unexpected error</source>
        <translation>程序出错</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="40"/>
        <source>Something went wrong. Your saved data is safe. Please send the file {path} to your IT contact.</source>
        <translation>程序遇到意外错误。已保存的数据是安全的。请把文件 {path} 发给信息员。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="70"/>
        <location filename="../../gridclient/app.py" line="85"/>
        <location filename="../../gridclient/app.py" line="108"/>
        <source>GridClient</source>
        <translation>网格通</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="71"/>
        <source>Signing in to a server arrives with the sync feature. Start with --demo to try the application with sample data.</source>
        <translation>连接服务器登录将随同步功能提供。请使用 --demo 启动，用示例数据试用本程序。</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="82"/>
        <source>Preparing the demo data…</source>
        <translation>正在准备演示数据…</translation>
    </message>
    <message>
        <location filename="../../gridclient/app.py" line="109"/>
        <source>The demo could not start: {error}</source>
        <translation>演示模式无法启动：{error}</translation>
    </message>
</context>
<context>
    <name>tables</name>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="46"/>
        <source>Household no.</source>
        <translation>户号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="47"/>
        <location filename="../../gridclient/ui/tables.py" line="67"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="48"/>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="49"/>
        <source>Residents</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="50"/>
        <source>Tags</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="51"/>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="61"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="62"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="63"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="64"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="65"/>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="66"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="68"/>
        <source>Special groups</source>
        <translation>特殊人群</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="77"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="78"/>
        <source>Household address</source>
        <translation>住户地址</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="79"/>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="80"/>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="81"/>
        <source>Content</source>
        <translation>走访内容</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="97"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="109"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="110"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="111"/>
        <source>Ledger</source>
        <translation>台账</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="112"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="113"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="114"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gridclient/ui/tables.py" line="115"/>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
</context>
</TS>
